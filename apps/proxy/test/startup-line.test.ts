import { describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config.js';
import { describeListening } from '../src/startup-line.js';

const at = (address: string, port: number) => ({ address, port, family: address.includes(':') ? 'IPv6' : 'IPv4' });

describe('the startup line', () => {
  it('names the proxy URL a person can open, the dashboard and the backend', () => {
    expect(describeListening(at('0.0.0.0', 8000), at('127.0.0.1', 8001), parseConfig({}))).toBe(
      'caching-proxy listening: proxy http://localhost:8000 (all interfaces), dashboard http://127.0.0.1:8001/, memory cache',
    );
  });

  it('names the origin in reverse-proxy mode, and never the Redis password', () => {
    const config = parseConfig({
      ORIGIN_URL: 'http://app.internal:3000/base',
      CACHE_BACKEND: 'redis',
      REDIS_URL: 'redis://:hunter2-password@redis:6379/2',
    });
    const line = describeListening(at('::1', 8000), at('::1', 8001), config);
    expect(line).toBe(
      'caching-proxy listening: reverse proxy http://[::1]:8000 for origin http://app.internal:3000/base, dashboard http://[::1]:8001/, redis cache',
    );
    expect(line).not.toContain('hunter2');
  });
});
