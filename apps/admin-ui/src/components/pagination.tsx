export function Pagination({
  page,
  pageCount,
  total,
  onPrevious,
  onNext,
}: {
  page: number;
  /** Pages in all, when the total is known. */
  pageCount: number | undefined;
  /** What the pages hold, e.g. "42 URLs", when known. */
  total: string | undefined;
  /** Undefined on the first page. */
  onPrevious: (() => void) | undefined;
  /** Undefined on the last page. */
  onNext: (() => void) | undefined;
}) {
  return (
    <nav className="pagination" aria-label="Pages">
      <button type="button" onClick={onPrevious} disabled={onPrevious === undefined}>
        ← Previous
      </button>
      <span aria-live="polite">
        Page {page}
        {pageCount !== undefined && <> of {Math.max(pageCount, page)}</>}
        {total !== undefined && <> · {total}</>}
      </span>
      <button type="button" onClick={onNext} disabled={onNext === undefined}>
        Next →
      </button>
    </nav>
  );
}
