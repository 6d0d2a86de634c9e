import { describe, expect, it } from 'vitest';
import { requestForbidsStoredResponse, requestForbidsStoring } from '../../src/cache/request-directives.js';

describe('requestForbidsStoredResponse (RFC 9111 §5.2.1)', () => {
  it('allows a stored response when the request has no cache directives', () => {
    expect(requestForbidsStoredResponse({})).toBe(false);
    expect(requestForbidsStoredResponse({ accept: 'text/html' })).toBe(false);
  });

  it('forwards a request with Cache-Control: no-cache (§5.2.1.4)', () => {
    expect(requestForbidsStoredResponse({ 'cache-control': 'no-cache' })).toBe(true);
  });

  it('forwards a request with Cache-Control: no-store (§5.2.1.5)', () => {
    expect(requestForbidsStoredResponse({ 'cache-control': 'no-store' })).toBe(true);
  });

  it('reads directives case-insensitively and among others', () => {
    expect(requestForbidsStoredResponse({ 'cache-control': 'max-stale=10, No-Cache' })).toBe(true);
  });

  it('reads directives from several Cache-Control lines', () => {
    expect(requestForbidsStoredResponse({ 'cache-control': ['max-stale=10', 'no-store'] })).toBe(true);
  });

  it('allows a stored response for other request directives', () => {
    expect(requestForbidsStoredResponse({ 'cache-control': 'max-stale=60, no-transform' })).toBe(false);
  });

  it('honours Pragma: no-cache when there is no Cache-Control (§5.4)', () => {
    expect(requestForbidsStoredResponse({ pragma: 'no-cache' })).toBe(true);
    expect(requestForbidsStoredResponse({ pragma: 'No-Cache' })).toBe(true);
    expect(requestForbidsStoredResponse({ pragma: 'x-ext, no-cache' })).toBe(true);
    expect(requestForbidsStoredResponse({ pragma: ['x-ext', 'no-cache'] })).toBe(true);
  });

  it('ignores Pragma when Cache-Control is present (§5.4)', () => {
    expect(requestForbidsStoredResponse({ 'cache-control': 'max-stale=60', pragma: 'no-cache' })).toBe(false);
  });

  it('ignores Pragma values other than no-cache', () => {
    expect(requestForbidsStoredResponse({ pragma: 'x-no-cache-please' })).toBe(false);
    expect(requestForbidsStoredResponse({ pragma: 'no-cacheable' })).toBe(false);
  });
});

describe('requestForbidsStoring (RFC 9111 §5.2.1.5)', () => {
  it('forbids storing when the request has no-store', () => {
    expect(requestForbidsStoring({ 'cache-control': 'no-store' })).toBe(true);
    expect(requestForbidsStoring({ 'cache-control': ['max-age=0', 'NO-STORE'] })).toBe(true);
  });

  it('allows storing for no-cache, which only asks for validation (§5.2.1.4)', () => {
    expect(requestForbidsStoring({ 'cache-control': 'no-cache' })).toBe(false);
  });

  it('allows storing without Cache-Control, whatever Pragma says', () => {
    expect(requestForbidsStoring({})).toBe(false);
    expect(requestForbidsStoring({ pragma: 'no-cache' })).toBe(false);
  });
});
