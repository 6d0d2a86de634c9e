import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ISSUE_EXAMPLE } from '../helpers/rules.js';
import { formatRuleProblem, MAX_RULES_FILE_BYTES, parseRulesText, readRulesFile, readRulesFileSync } from '../../src/rules/rules-file.js';

/** expect.stringContaining, typed for object matchers. */
const containing = (text: string): unknown => expect.stringContaining(text);


function problemsOf(text: string) {
  const result = parseRulesText(text);
  if (result.ok) throw new Error('expected problems');
  return result.problems;
}

describe('rules file parsing', () => {
  it('accepts the example of the issue as written', () => {
    const result = parseRulesText(ISSUE_EXAMPLE);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.file.rules.map((r) => r.name)).toEqual(['search', 'graphql', 'orders-writes']);
    expect(result.file.rules[1]!.match.method).toEqual(['POST']);
    expect(result.file.rules[1]!.ttl).toBe(60);
  });

  it('reads JSON as well', () => {
    const result = parseRulesText('{"rules": [{"name": "a", "match": {"path": "/a*"}, "ttl": "5m"}]}');
    expect(result.ok && result.file.rules[0]!.ttl).toBe(300);
  });

  it('reports every schema problem of a YAML file with its line and column', () => {
    const problems = problemsOf(`rules:
  - name: ok
    match: { path: "no-slash" }
  - match: { method: "G E T" }
    colour: blue
  - name: ok
    ttl: { default: "5 weeks" }
`);
    expect(problems).toEqual([
      { path: 'rules[0].match.path', line: 3, column: 20, message: containing('starting with /') },
      { path: 'rules[1].name', line: 4, column: 5, message: 'required field is missing' },
      { path: 'rules[1].match.method', line: 4, column: 22, message: containing('HTTP method') },
      { path: 'rules[1].colour', line: 5, column: 5, message: 'unknown field "colour"' },
      { path: 'rules[2].name', line: 6, column: 11, message: containing('duplicate rule name') },
      { path: 'rules[2].ttl.default', line: 7, column: 21, message: containing('duration') },
    ]);
  });

  it('reports problems of a JSON file with their lines', () => {
    const problems = problemsOf(`{
  "rules": [
    { "name": "a", "bypass": true,
      "ttl": 10 },
    { "name": "b", "match": { "hots": "x" } }
  ]
}`);
    expect(problems.map((p) => [p.path, p.line, p.message])).toEqual([
      ['rules[0].ttl', 4, '"ttl" has no effect with bypass: true'],
      ['rules[1].match.hots', 5, 'unknown field "hots"'],
    ]);
  });

  it('reports YAML syntax errors with their lines, and duplicate keys', () => {
    const problems = problemsOf('rules:\n  - name: a\n    match: path: /x\n  - name: b\n    bad: "unclosed\n');
    // The unclosed quote is found at the end of the input.
    expect(problems.map((p) => p.line)).toEqual([3, 6]);
    const duplicate = problemsOf('rules:\n  - name: a\n    name: b\n');
    expect(duplicate[0]).toMatchObject({ line: 3, message: containing('unique') });
  });

  it('refuses a glob in invalidate prefixes: they are literal prefixes, and a * would purge nothing', () => {
    const problems = problemsOf('rules:\n  - name: w\n    match: { method: POST, path: "/items*" }\n    invalidate: { prefixes: ["/items*"] }\n');
    expect(problems).toEqual([expect.objectContaining({ path: 'rules[0].invalidate.prefixes[0]', line: 4, message: containing('without * or ?') })]);
  });

  it('refuses an empty file and a file without rules', () => {
    expect(problemsOf('')[0]!.message).toMatch(/the file is empty/);
    expect(problemsOf('rules: 3\n')[0]).toMatchObject({ path: 'rules', line: 1, message: containing('expected array') });
    expect(problemsOf('rulez: []\n').map((p) => p.message)).toEqual(['required field is missing', 'unknown field "rulez"']);
  });

  it('refuses more than 1000 rules', () => {
    const text = `rules:\n${Array.from({ length: 1001 }, (_, i) => `  - name: r${i}\n`).join('')}`;
    expect(problemsOf(text)[0]).toMatchObject({ path: 'rules', message: containing('1000') });
  });

  it('formats a problem as file:line:column: path: message', () => {
    expect(formatRuleProblem('r.yaml', { path: 'rules[0].name', line: 2, column: 5, message: 'bad' })).toBe('r.yaml:2:5: rules[0].name: bad');
    expect(formatRuleProblem('r.yaml', { path: '', line: null, column: null, message: 'gone' })).toBe('r.yaml: gone');
  });
});

describe('rules file reading', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rules-file-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a file synchronously (startup) and asynchronously (reload)', async () => {
    const path = join(dir, 'rules.yaml');
    await writeFile(path, ISSUE_EXAMPLE);
    expect(readRulesFileSync(path).ok).toBe(true);
    expect((await readRulesFile(path)).ok).toBe(true);
  });

  it('refuses a file larger than 1 MiB before parsing it', async () => {
    const path = join(dir, 'huge.yaml');
    await writeFile(path, `# ${'x'.repeat(MAX_RULES_FILE_BYTES)}\nrules: []\n`);
    const result = await readRulesFile(path);
    expect(result.ok === false && result.problems[0]!.message).toContain('at most 1048576 bytes');
  });

  it('reports a missing file as a problem', () => {
    const result = readRulesFileSync(join(dir, 'missing.yaml'));
    expect(result.ok === false && result.problems[0]!.message).toContain('cannot read the file');
  });
});
