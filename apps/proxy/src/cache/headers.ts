/** Header map as Node and undici present it: lowercase names, repeated fields as arrays. */
export type HeaderMap = Readonly<Record<string, string | string[] | undefined>>;

/** One header's field value, repeated lines joined with ", " (RFC 9110 §5.3). */
export function headerValue(headers: HeaderMap, name: string): string | undefined {
  const value = headers[name];
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value.join(', ') : value;
}

/** Turns a flat header list into a lowercase map (repeated fields as arrays). */
export function headerListToMap(list: readonly string[]): Record<string, string | string[]> {
  const map: Record<string, string | string[]> = {};
  for (let i = 0; i < list.length; i += 2) {
    const name = list[i]!.toLowerCase();
    const value = list[i + 1]!;
    const existing = map[name];
    if (existing === undefined) map[name] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else map[name] = [existing, value];
  }
  return map;
}
