import { describe, expect, it } from 'vitest';
import { OriginBody, type BodyConsumer, type BodyFlowControl } from '../../src/upstream/origin-body.js';

/** The dispatch controller's side, recorded: what the body asked undici to do. */
function recordingControl(): BodyFlowControl & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    pause: () => calls.push('pause'),
    resume: () => calls.push('resume'),
    abort: (reason) => calls.push(`abort: ${reason.message}`),
  };
}

/** A consumer that keeps what it is told. */
function reader(): BodyConsumer & { text(): string; ended: boolean } {
  const chunks: Buffer[] = [];
  return {
    ended: false,
    text: () => Buffer.concat(chunks).toString(),
    data(chunk) {
      chunks.push(chunk);
    },
    end() {
      this.ended = true;
    },
    error() {},
  };
}

describe('an origin body pushed by the dispatch handler', () => {
  it('delivers chunks that arrived before the consumer first, in order, then the rest and the end', () => {
    const body = new OriginBody(recordingControl());
    body.push(Buffer.from('a'));
    body.push(Buffer.from('b'));
    const consumer = reader();
    body.read(consumer);
    body.push(Buffer.from('c'));
    expect(consumer.ended).toBe(false);
    body.end();
    expect(consumer.text()).toBe('abc');
    expect(consumer.ended).toBe(true);
  });

  it('pauses the origin while 64 KiB wait for a consumer, and resumes it when one reads', () => {
    const control = recordingControl();
    const body = new OriginBody(control);
    body.push(Buffer.alloc(64 * 1024));
    expect(control.calls).toEqual(['pause']);
    body.read(reader());
    expect(control.calls).toEqual(['pause', 'resume']);
  });

  it('hands a body past the bound on whole: the bytes already read first', async () => {
    const body = new OriginBody(recordingControl());
    const collected = body.collect(4);
    body.push(Buffer.from('abc'));
    body.push(Buffer.from('def'));
    const result = await collected;
    if (result.complete) throw new Error('expected the body past the bound to be handed on');
    const consumer = reader();
    result.body.read(consumer);
    body.push(Buffer.from('g'));
    body.end();
    expect(consumer.text()).toBe('abcdefg');
    expect(consumer.ended).toBe(true);
  });

  it('keeps the order when the bound is passed by chunks that arrived before anyone read', async () => {
    const body = new OriginBody(recordingControl());
    body.push(Buffer.from('ab'));
    body.push(Buffer.from('cd'));
    body.push(Buffer.from('ef'));
    const result = await body.collect(3);
    if (result.complete) throw new Error('expected the body past the bound to be handed on');
    body.push(Buffer.from('g'));
    const consumer = reader();
    result.body.read(consumer);
    body.end();
    expect(consumer.text()).toBe('abcdefg');
    expect(consumer.ended).toBe(true);
  });

  it('reads a small unread body to its end and cuts a large one', () => {
    const small = recordingControl();
    const smallBody = new OriginBody(small);
    smallBody.discard();
    smallBody.push(Buffer.alloc(1024));
    smallBody.end();
    expect(small.calls).toEqual([]);
    const large = recordingControl();
    const largeBody = new OriginBody(large);
    largeBody.discard();
    largeBody.push(Buffer.alloc(64 * 1024 + 1));
    expect(large.calls).toEqual(['abort: an unread origin body was discarded']);
  });

  it('tells the consumer of a failure once, and nothing after its own abort', () => {
    const failing = new OriginBody(recordingControl());
    const errors: Error[] = [];
    failing.read({ data: () => {}, end: () => {}, error: (error) => errors.push(error) });
    failing.fail(new Error('cut'));
    failing.fail(new Error('again'));
    expect(errors.map((error) => error.message)).toEqual(['cut']);

    const control = recordingControl();
    const aborted = new OriginBody(control);
    const after: string[] = [];
    aborted.read({ data: () => after.push('data'), end: () => after.push('end'), error: () => after.push('error') });
    aborted.abort(new Error('client gone'));
    aborted.fail(new Error('undici reports the abort'));
    expect(after).toEqual([]);
    expect(control.calls).toEqual(['abort: client gone']);
  });
});
