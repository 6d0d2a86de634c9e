import { headerValue, type HeaderMap } from './headers.js';

/** At most this many tags per response, each at most this long: tags index storage. */
const MAX_TAGS = 64;
const MAX_TAG_LENGTH = 256;
const TAG = /^[\x21-\x7e]+$/;

/**
 * Purge tags of a response: `Surrogate-Key` (space-separated, Fastly/Varnish convention) and
 * `Cache-Tag` (comma-separated, Cloudflare convention), then `extra` ones (a cache rule's).
 * Duplicates, overlong and non-printable tags are dropped; at most MAX_TAGS in all.
 */
export function responseTags(headers: HeaderMap, extra: readonly string[] = []): string[] {
  const tags = new Set<string>();
  const add = (tag: string) => {
    if (tag !== '' && tag.length <= MAX_TAG_LENGTH && TAG.test(tag) && tags.size < MAX_TAGS) tags.add(tag);
  };
  for (const tag of (headerValue(headers, 'surrogate-key') ?? '').split(/[\s,]+/)) add(tag.trim());
  for (const tag of (headerValue(headers, 'cache-tag') ?? '').split(',')) add(tag.trim());
  for (const tag of extra) add(tag);
  return [...tags];
}
