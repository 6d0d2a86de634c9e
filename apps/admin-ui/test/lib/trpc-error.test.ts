import { TRPCClientError } from '@trpc/client';
import { describe, expect, it } from 'vitest';
import { describeError, httpStatusOf, isUnauthorized, shouldRetry } from '../../src/lib/trpc-error';

function procedureError(httpStatus: number, message: string) {
  return TRPCClientError.from({ error: { code: -32001, message, data: { code: 'UNAUTHORIZED', httpStatus, path: 'stats' } } });
}

const networkError = TRPCClientError.from(new TypeError('Failed to fetch'));

describe('tRPC errors', () => {
  it('reads the HTTP status the proxy answered', () => {
    expect(httpStatusOf(procedureError(401, 'no key'))).toBe(401);
    expect(isUnauthorized(procedureError(401, 'no key'))).toBe(true);
    expect(isUnauthorized(procedureError(404, 'gone'))).toBe(false);
    expect(httpStatusOf(networkError)).toBeUndefined();
    expect(httpStatusOf(new Error('other'))).toBeUndefined();
  });

  it('retries network failures and server errors twice, never client errors', () => {
    expect(shouldRetry(0, networkError)).toBe(true);
    expect(shouldRetry(1, procedureError(503, 'down'))).toBe(true);
    expect(shouldRetry(2, networkError)).toBe(false);
    expect(shouldRetry(0, procedureError(401, 'no key'))).toBe(false);
    expect(shouldRetry(0, procedureError(400, 'bad'))).toBe(false);
  });

  it('explains a network failure and passes the proxy message through', () => {
    expect(describeError(networkError)).toBe('The proxy did not answer (Failed to fetch). Is it running?');
    expect(describeError(procedureError(404, 'No cache entry has the key abc'))).toBe('No cache entry has the key abc');
    expect(describeError('plain')).toBe('plain');
  });
});
