import { describe, expect, it } from 'vitest';
import { compileQueryNormalization, normalizeQuery } from '../../src/rules/query-normalization.js';

const ignoring = (names: string[], sort = false) => compileQueryNormalization(names, sort)!;

describe('query normalisation', () => {
  it('drops ignored names and prefix* patterns, keeping the rest byte for byte', () => {
    expect(normalizeQuery('?q=a%20b+c&utm_source=x&gclid=1&utm_medium=y', ignoring(['utm_*', 'gclid']))).toBe('?q=a%20b+c');
  });

  it('compares the percent-decoded name, so encoded names are ignored too', () => {
    expect(normalizeQuery('?utm%5Fsource=x&gcl%69d=2&q=1', ignoring(['utm_*', 'gclid']))).toBe('?q=1');
  });

  it('ignores every repetition of a parameter', () => {
    expect(normalizeQuery('?a=1&x=1&a=2&x=2', ignoring(['x']))).toBe('?a=1&a=2');
  });

  it('keeps values containing = whole and drops empty members (a=1&&b=2)', () => {
    expect(normalizeQuery('?a=1&&b=x=y', ignoring(['c']))).toBe('?a=1&b=x=y');
  });

  it('drops the ? when the query is emptied', () => {
    expect(normalizeQuery('?utm_a=1&utm_b=2', ignoring(['utm_*']))).toBe('');
    expect(normalizeQuery('', ignoring(['x']))).toBe('');
  });

  it('sorts by decoded name, stably: equal names keep their order', () => {
    const sort = compileQueryNormalization(undefined, true)!;
    expect(normalizeQuery('?b=1&a=2&b=0&%61=3&c', sort)).toBe('?a=2&%61=3&b=1&b=0&c');
  });

  it('treats names without = and + as space like a form decoder', () => {
    expect(normalizeQuery('?flag&utm+x=1&q', ignoring(['utm x']))).toBe('?flag&q');
  });

  it('keeps a name with an invalid escape and compares it literally', () => {
    expect(normalizeQuery('?%zz=1&%E0%A4%A=2&q=3', ignoring(['%zz']))).toBe('?%E0%A4%A=2&q=3');
  });

  it('does nothing without ignoreQuery or sortQuery', () => {
    expect(compileQueryNormalization([], false)).toBeUndefined();
    expect(compileQueryNormalization(undefined, undefined)).toBeUndefined();
  });
});
