/**
 * Cursor pagination only goes forward, so "previous" replays the cursor of the page before:
 * the stack holds the cursor of every page visited, the first page's being `undefined`.
 */
export type CursorStack = readonly (string | undefined)[];

export const FIRST_PAGE: CursorStack = [undefined];

export function currentCursor(stack: CursorStack): string | undefined {
  return stack[stack.length - 1];
}

export function nextPage(stack: CursorStack, nextCursor: string): CursorStack {
  return [...stack, nextCursor];
}

export function previousPage(stack: CursorStack): CursorStack {
  return stack.length > 1 ? stack.slice(0, -1) : FIRST_PAGE;
}

/** 1 for the first page. */
export function pageNumber(stack: CursorStack): number {
  return Math.max(1, stack.length);
}
