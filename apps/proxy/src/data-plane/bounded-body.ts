import { PassThrough, pipeline, type Readable } from 'node:stream';

/** A message body read up to a bound: whole, or — past the bound — a stream that still yields all of it. */
export type BoundedBody =
  /** The complete body, `bytes` of it. */
  | { readonly complete: true; readonly body: Buffer }
  /**
   * Larger than the bound (declared or found while reading): `body` yields every byte, the ones
   * already read first, so that it can be forwarded intact.
   */
  | { readonly complete: false; readonly body: Readable };

/**
 * Reads `stream` whole when it holds at most `maxBytes` (a `declaredLength` above the bound is not
 * read at all). Rejects with the stream's error (a client gone, a body timeout, an origin failing
 * mid-body); the caller maps it.
 */
export function readBoundedBody(stream: Readable, maxBytes: number, declaredLength?: number): Promise<BoundedBody> {
  if (declaredLength !== undefined && declaredLength > maxBytes) return Promise.resolve({ complete: false, body: stream });
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const cleanup = () => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      stream.off('close', onClose);
    };
    const onData = (chunk: Buffer) => {
      total += chunk.length;
      chunks.push(chunk);
      if (total <= maxBytes) return;
      // Past the bound: hand over the bytes read so far, then the rest as it arrives.
      cleanup();
      stream.pause();
      const whole = new PassThrough();
      whole.write(Buffer.concat(chunks, total));
      pipeline(stream, whole, () => {});
      resolve({ complete: false, body: whole });
    };
    const onEnd = () => {
      cleanup();
      resolve({ complete: true, body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total) });
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    // A stream destroyed without an error (a client gone) closes before its end.
    const onClose = () => onError(new Error('the body stream closed before its end'));
    stream.on('data', onData);
    stream.once('end', onEnd);
    stream.once('error', onError);
    stream.once('close', onClose);
  });
}

/** The Content-Length of a message as a number, undefined when absent or not a plain integer. */
export function declaredContentLength(value: string | string[] | undefined): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  return text !== undefined && /^\d+$/.test(text.trim()) ? Number(text.trim()) : undefined;
}
