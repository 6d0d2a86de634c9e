/**
 * Hop-by-hop fields (RFC 9110 §7.6.1): meaningful for one connection only, so a proxy removes
 * them in both directions, together with every field the Connection header names.
 */
export const HOP_BY_HOP: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** Request fields the proxy sets itself: Host comes from the target, Expect is answered locally. */
export const REQUEST_OWN: ReadonlySet<string> = new Set(['host', 'expect']);

function connectionNamed(value: string | readonly string[] | undefined): Set<string> | undefined {
  if (value === undefined) return undefined;
  // The usual values name only hop-by-hop options, which are removed anyway.
  if (value === 'keep-alive' || value === 'close') return undefined;
  const text = typeof value === 'string' ? value : value.join(',');
  const names = text
    .split(',')
    .map((n) => n.trim().toLowerCase())
    .filter((n) => n !== '');
  return names.length > 0 ? new Set(names) : undefined;
}

/** Filters a raw `[name, value, …]` request header list for forwarding to the origin. */
export function forwardableRequestHeaders(rawHeaders: readonly string[]): string[] {
  let named: Set<string> | undefined;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (rawHeaders[i]!.toLowerCase() === 'connection') {
      named = connectionNamed([...(named ?? []), rawHeaders[i + 1]!]);
    }
  }
  const out: string[] = [];
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    const lower = name.toLowerCase();
    if (HOP_BY_HOP.has(lower) || REQUEST_OWN.has(lower) || named?.has(lower)) continue;
    out.push(name, rawHeaders[i + 1]!);
  }
  return out;
}

/**
 * Filters origin response headers (undici's lowercase map) into a flat list for the client,
 * leaving out hop-by-hop fields and those in `omit`.
 */
export function forwardableResponseHeaders(
  headers: Readonly<Record<string, string | string[] | undefined>>,
  omit: ReadonlySet<string>,
): string[] {
  const named = connectionNamed(headers.connection);
  const out: string[] = [];
  for (const name in headers) {
    if (HOP_BY_HOP.has(name) || omit.has(name) || named?.has(name)) continue;
    const value = headers[name];
    if (value === undefined) continue;
    if (Array.isArray(value)) {
      for (const item of value) out.push(name, item);
    } else {
      out.push(name, value);
    }
  }
  return out;
}
