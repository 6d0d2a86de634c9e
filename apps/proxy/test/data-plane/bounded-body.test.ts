import { PassThrough, Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { declaredContentLength, readBoundedBody } from '../../src/data-plane/bounded-body.js';

function chunks(...parts: string[]): Readable {
  return Readable.from(parts.map((part) => Buffer.from(part)));
}

describe('readBoundedBody', () => {
  it('reads a body of at most maxBytes whole', async () => {
    const read = await readBoundedBody(chunks('ab', 'cd'), 4);
    expect(read).toEqual({ complete: true, body: Buffer.from('abcd') });
  });

  it('does not read a body whose declared length is above the bound, and hands the stream back', async () => {
    const stream = chunks('abcdef');
    const read = await readBoundedBody(stream, 4, 6);
    expect(read.complete).toBe(false);
    expect(read.body).toBe(stream);
  });

  it('past the bound while reading, yields every byte: those read so far, then the rest', async () => {
    const read = await readBoundedBody(chunks('ab', 'cd', 'ef', 'gh'), 5);
    expect(read.complete).toBe(false);
    expect(await text(read.body as Readable)).toBe('abcdefgh');
  });

  it("rejects with the stream's error, and when the stream closes before its end", async () => {
    const failing = new PassThrough();
    const pending = readBoundedBody(failing, 10);
    failing.write('ab');
    failing.destroy(new Error('client gone'));
    await expect(pending).rejects.toThrow('client gone');
    const closed = new PassThrough();
    const closing = readBoundedBody(closed, 10);
    closed.destroy();
    await expect(closing).rejects.toThrow('closed before its end');
  });
});

describe('declaredContentLength', () => {
  it('reads a plain decimal Content-Length, and nothing else', () => {
    expect(declaredContentLength('12')).toBe(12);
    expect(declaredContentLength(undefined)).toBeUndefined();
    expect(declaredContentLength('1e3')).toBeUndefined();
    expect(declaredContentLength(['7'])).toBe(7);
  });
});
