import { parse as parseJsonAst, type ValueNode } from '@humanwhocodes/momoa';

/**
 * Whether a JSON text means one thing to every parser, so that a cache key built from its parsed
 * value (JSON.parse, then canonical JSON) cannot join two bodies an origin tells apart. Pure.
 *
 * RFC 8259 leaves three things to the implementation, and parsers differ on each:
 * - duplicate member names (§4: "the names within an object SHOULD be unique"; some parsers keep
 *   the first, JSON.parse the last, some refuse);
 * - numbers (§6: range and precision are the implementation's): `1.0`, `1e0` and `1` are one
 *   double but three decimals; `9007199254740993` rounds to `…992`; `1e400` overflows; `-0`;
 * - strings that are not Unicode (§8.2): an escaped lone surrogate (`"\ud800"`) is kept, replaced
 *   by U+FFFD or refused.
 * A text free of all three has one value everywhere: each number token is the shortest text of
 * its double (exactly `String(Number(text))`, an integer within ±(2^53 − 1)), so two texts with
 * equal parsed values carry the same tokens.
 *
 * The tokens' own text comes from an AST that keeps source ranges (`@humanwhocodes/momoa`),
 * because JSON.parse has already rounded the numbers and merged the duplicates. The caller parses
 * with JSON.parse first: RFC 8259's grammar is its (momoa lets raw control characters through).
 */

/** What makes a JSON text ambiguous (Cache-Status `detail=graphql-ambiguous-json`). */
export type JsonAmbiguity = 'duplicate-member' | 'inexact-number' | 'lone-surrogate';

/** Why the text could not be checked: nesting deeper than the parser's stack, or not JSON at all. */
export type JsonCheckFailure = 'too-deep' | 'not-json';

/** An escaped surrogate code unit without its pair: with the `u` flag a valid pair is one code point, never matched. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/**
 * Whether `text` (JSON that JSON.parse accepted) is ambiguous: the first ambiguity found, or
 * undefined when the text is unambiguous. Returns `{ failure }` when it cannot tell (nesting too
 * deep for the parser's recursion, or text the AST parser refuses). Never throws.
 */
export function findJsonAmbiguity(text: string): { ambiguity: JsonAmbiguity } | { failure: JsonCheckFailure } | undefined {
  let root: ValueNode;
  try {
    root = parseJsonAst(text, { mode: 'json', ranges: true }).body;
  } catch (error) {
    return { failure: error instanceof RangeError ? 'too-deep' : 'not-json' };
  }
  // Iterative, so that the walk itself never exhausts the stack.
  const pending: ValueNode[] = [root];
  for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
    switch (node.type) {
      case 'Object': {
        const names = new Set<string>();
        for (const member of node.members) {
          // Names compare after unescaping: "a" and "\u0061" are one name.
          const name = member.name.type === 'String' ? member.name.value : member.name.name;
          if (names.has(name)) return { ambiguity: 'duplicate-member' };
          if (LONE_SURROGATE.test(name)) return { ambiguity: 'lone-surrogate' };
          names.add(name);
          pending.push(member.value);
        }
        break;
      }
      case 'Array':
        for (const element of node.elements) pending.push(element.value);
        break;
      case 'String':
        if (LONE_SURROGATE.test(node.value)) return { ambiguity: 'lone-surrogate' };
        break;
      case 'Number':
        if (!isExactNumberText(text.slice(node.range![0], node.range![1]))) return { ambiguity: 'inexact-number' };
        break;
      default:
        break;
    }
  }
  return undefined;
}

/**
 * Whether a JSON number token is the one text of its value: the shortest round-trip form of a
 * finite double (`String(Number(token)) === token`), and, for an integer, a safe one (|n| ≤ 2^53 − 1).
 * `1`, `-5`, `0.5` and `1e-7` are; `1.0`, `1e0`, `10E-1`, `-0`, `9007199254740993` and `1e400` are not.
 */
export function isExactNumberText(token: string): boolean {
  const value = Number(token);
  if (!Number.isFinite(value) || String(value) !== token) return false;
  return !Number.isInteger(value) || Number.isSafeInteger(value);
}
