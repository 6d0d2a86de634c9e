import { readFileSync, statSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { isMap, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { CacheRulesFileSchema, findRuleConflicts, type CacheRulesFile, type RuleProblem } from '@caching-proxy/shared';

/** The largest rules file read, in bytes: rules are configuration, not data. */
export const MAX_RULES_FILE_BYTES = 1024 * 1024;

/** A rules file read: its rules, or every problem found in it. */
export type RulesFileResult = { readonly ok: true; readonly file: CacheRulesFile } | { readonly ok: false; readonly problems: RuleProblem[] };

/** `['rules', 1, 'match']` → `rules[1].match`. */
function formatPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const part of path) text += typeof part === 'number' ? `[${part}]` : `${text === '' ? '' : '.'}${String(part)}`;
  return text;
}

function problem(path: readonly PropertyKey[], position: { line: number; col: number } | undefined, message: string): RuleProblem {
  return { path: formatPath(path), line: position?.line ?? null, column: position?.col ?? null, message };
}

/**
 * Where a path of the document starts: the node at the path, or, for a missing or unknown key,
 * the key itself or the nearest existing parent (so a missing `name` points at its rule).
 */
function positionOf(doc: Document, lines: LineCounter, path: readonly PropertyKey[], key?: string) {
  for (let length = path.length; length >= 0; length--) {
    const node = doc.getIn(path.slice(0, length), true) as { range?: [number, number, number] } | undefined;
    if (length === path.length && key !== undefined && isMap(node)) {
      const pair = node.items.find((item) => (item.key as { value?: unknown } | null)?.value === key);
      const keyRange = (pair?.key as { range?: [number, number, number] } | null)?.range;
      if (keyRange) return lines.linePos(keyRange[0]);
    }
    if (node?.range) return lines.linePos(node.range[0]);
  }
  const root = doc.contents?.range;
  return root ? lines.linePos(root[0]) : undefined;
}

/** Whether a union branch failed only because the value has another type (a number where an object was expected). */
function isTypeMismatch(branch: readonly z.core.$ZodIssue[]): boolean {
  return branch.every(
    (issue) =>
      issue.path.length === 0 &&
      (issue.code === 'invalid_type' || (issue.code === 'invalid_union' && issue.errors.every(isTypeMismatch))),
  );
}

/**
 * The issues of a failed union, as a person reads them: when exactly one branch got past the
 * type check (an object with a bad field, a string with a bad format), its issues; otherwise the
 * union's own, naming what each branch expected.
 */
function explainIssue(issue: z.core.$ZodIssue): z.core.$ZodIssue[] {
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return [issue];
  const typed = issue.errors.filter((branch) => !isTypeMismatch(branch));
  if (typed.length !== 1) {
    const expected = [...new Set(issue.errors.map((branch) => branch[0]?.message).filter(Boolean))];
    return [{ ...issue, message: expected.join(', or ') || issue.message }];
  }
  return typed[0]!.flatMap((inner) => explainIssue({ ...inner, path: [...issue.path, ...inner.path] }));
}

/**
 * Parses the text of a rules file (YAML, or JSON, which YAML 1.2 reads as well) and validates
 * it against CacheRulesFileSchema. Every problem is reported, each with its place in the
 * document and its line and column: YAML syntax errors first (then nothing is validated), or
 * every schema issue. Pure.
 */
export function parseRulesText(text: string): RulesFileResult {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((error) => problem([], lines.linePos(error.pos[0]), error.message.split('\n', 1)[0]!)),
    };
  }
  const input: unknown = doc.toJS({ maxAliasCount: 100 });
  const parsed = CacheRulesFileSchema.safeParse(input);
  if (parsed.success) return { ok: true, file: parsed.data };
  const problems: RuleProblem[] = [];
  // The schema checks conflicts between rules only once every rule is valid: report them now too.
  const rawRules = (input as { rules?: unknown } | null)?.rules;
  const alreadyReported = new Set(parsed.error.issues.map((issue) => `${formatPath(issue.path)} ${issue.message}`));
  for (const conflict of Array.isArray(rawRules) ? findRuleConflicts(rawRules) : []) {
    if (!alreadyReported.has(`${formatPath(conflict.path)} ${conflict.message}`)) {
      problems.push(problem(conflict.path, positionOf(doc, lines, conflict.path), conflict.message));
    }
  }
  for (const issue of parsed.error.issues.flatMap(explainIssue)) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        problems.push(problem([...issue.path, key], positionOf(doc, lines, issue.path, key), `unknown field "${key}"`));
      }
      continue;
    }
    if (issue.path.length === 0 && doc.contents === null) {
      problems.push(problem([], undefined, 'the file is empty: expected a mapping with a "rules" list'));
      continue;
    }
    const isMissingKey = issue.code === 'invalid_type' && issue.path.length > 0 && !doc.hasIn(issue.path);
    const last = issue.path[issue.path.length - 1];
    problems.push(
      problem(
        issue.path,
        isMissingKey && typeof last === 'string'
          ? positionOf(doc, lines, issue.path.slice(0, -1), last)
          : positionOf(doc, lines, issue.path),
        isMissingKey ? 'required field is missing' : issue.message,
      ),
    );
  }
  const inOrder = (p: RuleProblem) => (p.line ?? 0) * 1e6 + (p.column ?? 0);
  return { ok: false, problems: problems.sort((a, b) => inOrder(a) - inOrder(b)) };
}

function tooLarge(bytes: number): RulesFileResult {
  return { ok: false, problems: [problem([], undefined, `the file is ${bytes} bytes; at most ${MAX_RULES_FILE_BYTES} bytes are read`)] };
}

function unreadable(error: unknown): RulesFileResult {
  return { ok: false, problems: [problem([], undefined, `cannot read the file: ${(error as Error).message}`)] };
}

/** Reads and validates a rules file (at startup: synchronously, before anything listens). */
export function readRulesFileSync(path: string): RulesFileResult {
  try {
    const { size } = statSync(path);
    if (size > MAX_RULES_FILE_BYTES) return tooLarge(size);
    return parseRulesText(readFileSync(path, 'utf8'));
  } catch (error) {
    return unreadable(error);
  }
}

/** Reads and validates a rules file (on reload, without blocking the event loop). */
export async function readRulesFile(path: string): Promise<RulesFileResult> {
  try {
    const { size } = await stat(path);
    if (size > MAX_RULES_FILE_BYTES) return tooLarge(size);
    return parseRulesText(await readFile(path, 'utf8'));
  } catch (error) {
    return unreadable(error);
  }
}

/** One problem as a log or terminal line: `rules.yaml:3:7: rules[0].match.path: expected …`. */
export function formatRuleProblem(file: string, p: RuleProblem): string {
  const where = p.line === null ? file : `${file}:${p.line}${p.column === null ? '' : `:${p.column}`}`;
  return `${where}: ${p.path === '' ? '' : `${p.path}: `}${p.message}`;
}
