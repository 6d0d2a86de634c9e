/**
 * Whether a body can be shown as text: a textual media type, no content coding, valid UTF-8.
 * One home for the rule used by the /proxy envelope and the admin body preview.
 */
const TEXTUAL_TYPE =
  /^(text\/|application\/([\w.+-]*\+)?(json|xml|javascript|ecmascript|x-www-form-urlencoded|graphql|yaml|x-yaml)\b|image\/svg\+xml)/i;
const utf8 = new TextDecoder('utf-8', { fatal: true });

export function isTextualType(contentType: string | undefined, contentEncoding: string | undefined): boolean {
  const coding = (contentEncoding ?? 'identity').trim().toLowerCase();
  return TEXTUAL_TYPE.test(contentType ?? '') && (coding === '' || coding === 'identity');
}

/** The body as a string when it is text (see above); undefined otherwise. */
export function bodyAsText(body: Buffer, contentType: string | undefined, contentEncoding: string | undefined): string | undefined {
  if (body.length === 0) return '';
  if (!isTextualType(contentType, contentEncoding)) return undefined;
  try {
    return utf8.decode(body);
  } catch {
    return undefined;
  }
}

/** The first `maxBytes` of a text body, cut on a character boundary. */
export function textPreview(
  body: Buffer,
  contentType: string | undefined,
  contentEncoding: string | undefined,
  maxBytes: number,
): { text: string | null; truncated: boolean } {
  if (!isTextualType(contentType, contentEncoding) && body.length > 0) return { text: null, truncated: false };
  let end = Math.min(body.length, maxBytes);
  // Back off to the start of a UTF-8 sequence so the cut never splits a character.
  while (end < body.length && end > 0 && (body[end]! & 0xc0) === 0x80) end--;
  const text = bodyAsText(body.subarray(0, end), contentType, contentEncoding);
  return text === undefined ? { text: null, truncated: false } : { text, truncated: end < body.length };
}
