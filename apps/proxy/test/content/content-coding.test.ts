import { brotliCompressSync, constants, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeContentCodings } from '../../src/content/content-coding.js';

const TEXT = Buffer.from('{"data":{"hero":{"name":"R2-D2"}}}');
const MiB = 1024 * 1024;

describe('decodeContentCodings', () => {
  it('returns the body itself without a coding, or with identity', async () => {
    expect(await decodeContentCodings(TEXT, undefined, MiB)).toEqual({ decoded: TEXT });
    expect(await decodeContentCodings(TEXT, '', MiB)).toEqual({ decoded: TEXT });
    expect(await decodeContentCodings(TEXT, 'identity', MiB)).toEqual({ decoded: TEXT });
  });

  it.each([
    ['gzip', gzipSync(TEXT)],
    ['x-gzip', gzipSync(TEXT)],
    ['GZIP', gzipSync(TEXT)],
    ['deflate', deflateSync(TEXT)],
    ['deflate', deflateRawSync(TEXT)], // raw deflate, as some servers send it
    ['br', brotliCompressSync(TEXT)],
  ])('decodes %s', async (coding, encoded) => {
    expect(await decodeContentCodings(encoded, coding, MiB)).toEqual({ decoded: TEXT });
  });

  it('undoes stacked codings last applied first (RFC 9110 §8.4)', async () => {
    expect(await decodeContentCodings(brotliCompressSync(gzipSync(TEXT)), 'gzip, br', MiB)).toEqual({ decoded: TEXT });
  });

  it('does not decode codings it does not know, nor too many of them', async () => {
    expect(await decodeContentCodings(TEXT, 'compress', MiB)).toEqual({ notDecoded: 'unsupported-coding' });
    expect(await decodeContentCodings(TEXT, 'zstd', MiB)).toEqual({ notDecoded: 'unsupported-coding' });
    expect(await decodeContentCodings(TEXT, 'gzip, gzip, gzip, gzip', MiB)).toEqual({ notDecoded: 'unsupported-coding' });
  });

  it('says so when the bytes are not what the coding claims, or are truncated', async () => {
    expect(await decodeContentCodings(TEXT, 'gzip', MiB)).toEqual({ notDecoded: 'corrupt-coding' });
    expect(await decodeContentCodings(gzipSync(TEXT).subarray(0, 20), 'gzip', MiB)).toEqual({ notDecoded: 'corrupt-coding' });
    expect(await decodeContentCodings(TEXT, 'br', MiB)).toEqual({ notDecoded: 'corrupt-coding' });
  });

  const zeros = Buffer.alloc(32 * MiB);
  it.each([
    ['gzip', () => gzipSync(zeros, { level: 1 })],
    ['deflate', () => deflateSync(zeros, { level: 1 })],
    ['br', () => brotliCompressSync(zeros, { params: { [constants.BROTLI_PARAM_QUALITY]: 1 } })],
  ] as const)('stops a %s decompression bomb at maxDecodedBytes', async (coding, compress) => {
    const bomb = compress(); // well under 1 MiB that expands to 32 MiB
    expect(bomb.length).toBeLessThan(MiB);
    expect(await decodeContentCodings(bomb, coding, MiB)).toEqual({ notDecoded: 'decoded-too-large' });
  });

  it('decodes a body exactly maxDecodedBytes long', async () => {
    const exact = Buffer.alloc(1024, 'a');
    expect(await decodeContentCodings(gzipSync(exact), 'gzip', 1024)).toEqual({ decoded: exact });
    expect(await decodeContentCodings(gzipSync(exact), 'gzip', 1023)).toEqual({ notDecoded: 'decoded-too-large' });
  });
});
