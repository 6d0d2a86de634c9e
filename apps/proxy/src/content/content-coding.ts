import { promisify } from 'node:util';
import { brotliDecompress, gunzip, inflate, inflateRaw, type ZlibOptions, type BrotliOptions } from 'node:zlib';

/**
 * Undoes a body's content codings (RFC 9110 §8.4) to read what it says, bounded so that a small
 * encoded body that expands hugely (a "decompression bomb") never costs more than `maxDecodedBytes`
 * of memory. Only for looking inside: the encoded bytes are what is relayed and stored.
 */

/** Why a body was not decoded. */
export type NotDecoded =
  /** A coding other than gzip (x-gzip), deflate, br and identity, or more than MAX_CODINGS of them. */
  | 'unsupported-coding'
  /** The decoded body would be larger than `maxDecodedBytes`. */
  | 'decoded-too-large'
  /** The bytes are not what the coding says (truncated, corrupt). */
  | 'corrupt-coding';

export type DecodedBody = { readonly decoded: Buffer } | { readonly notDecoded: NotDecoded };

/** More codings than any real server stacks: each one costs a full decode. */
const MAX_CODINGS = 3;

type Decode = (body: Buffer, options: ZlibOptions & BrotliOptions) => Promise<Buffer>;
const gunzipAsync: Decode = promisify(gunzip);
const inflateAsync: Decode = promisify(inflate);
const inflateRawAsync: Decode = promisify(inflateRaw);
const brotliDecompressAsync: Decode = promisify(brotliDecompress);

/**
 * "deflate" is the zlib format (RFC 9110 §8.4.1.2, RFC 1950), though some servers send raw
 * deflate (RFC 1951) under that name; browsers read both, and so do we.
 */
const inflateEither: Decode = async (body, options) => {
  try {
    return await inflateAsync(body, options);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'Z_DATA_ERROR') throw error;
    return inflateRawAsync(body, options);
  }
};

/** Decoders by coding name (RFC 9110 §8.4.1; "x-gzip" is gzip, §8.4.1.3). */
const DECODERS: ReadonlyMap<string, Decode> = new Map([
  ['gzip', gunzipAsync],
  ['x-gzip', gunzipAsync],
  ['deflate', inflateEither],
  ['br', brotliDecompressAsync],
]);

/**
 * Decodes `body` by the codings its Content-Encoding field value lists (`contentEncoding`,
 * undefined or empty for none), last applied first (RFC 9110 §8.4: codings are listed in the
 * order they were applied). Each step's output is capped at `maxDecodedBytes` (zlib's
 * `maxOutputLength`: decoding stops there). Never rejects.
 */
export async function decodeContentCodings(body: Buffer, contentEncoding: string | undefined, maxDecodedBytes: number): Promise<DecodedBody> {
  const codings = (contentEncoding ?? '')
    .split(',')
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding !== '' && coding !== 'identity');
  if (codings.length > MAX_CODINGS) return { notDecoded: 'unsupported-coding' };
  const decoders = codings.map((coding) => DECODERS.get(coding));
  if (decoders.some((decode) => decode === undefined)) return { notDecoded: 'unsupported-coding' };
  let decoded = body;
  for (const decode of decoders.reverse()) {
    try {
      decoded = await decode!(decoded, { maxOutputLength: maxDecodedBytes });
    } catch (error) {
      return { notDecoded: (error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' ? 'decoded-too-large' : 'corrupt-coding' };
    }
  }
  if (decoded.length > maxDecodedBytes) return { notDecoded: 'decoded-too-large' };
  return { decoded };
}
