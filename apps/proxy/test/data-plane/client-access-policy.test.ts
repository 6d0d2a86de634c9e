import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.js';
import { admitClient, type ClientAccessPolicy } from '../../src/data-plane/client-access.js';
import { isProxyError } from '../../src/errors.js';

function policy(env: Record<string, string>): ClientAccessPolicy {
  const config = parseConfig(env);
  return { allowedClients: config.DATA_ALLOWED_CLIENTS, apiKeys: config.DATA_API_KEYS };
}

function refusal(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return isProxyError(error) ? `${error.status} ${error.code}` : 'not a ProxyError';
  }
}

describe('admitClient (the forward-mode access policy)', () => {
  const defaults = policy({});

  it.each(['127.0.0.1', '::1', '10.2.3.4', '172.20.0.5', '192.168.1.9', '100.64.1.1', 'fd12::1', '::ffff:192.168.1.9', 'fe80::1%eth0'])(
    'admits %s under the default networks',
    (address) => {
      expect(admitClient(defaults, address, {})).toEqual({ name: 'network' });
    },
  );

  it.each(['8.8.8.8', '2001:db8::1', '::ffff:8.8.8.8', undefined])('refuses %s with 403 when no keys are configured', (address) => {
    expect(refusal(() => admitClient(defaults, address, {}))).toBe('403 PROXY_ERR_CLIENT_NOT_ALLOWED');
  });

  it('admits a valid key from anywhere under its name, and asks for one (407) otherwise', () => {
    const keyed = policy({ DATA_ALLOWED_CLIENTS: '', DATA_API_KEYS: 'ci:0123456789abcdef,web:fedcba9876543210' });
    expect(admitClient(keyed, '8.8.8.8', { 'proxy-authorization': 'Bearer fedcba9876543210' })).toEqual({ name: 'web' });
    expect(admitClient(keyed, '8.8.8.8', { 'proxy-authorization': 'bearer 0123456789abcdef' })).toEqual({ name: 'ci' });
    expect(refusal(() => admitClient(keyed, '8.8.8.8', {}))).toBe('407 PROXY_ERR_PROXY_AUTH_REQUIRED');
    expect(refusal(() => admitClient(keyed, '127.0.0.1', {}))).toBe('407 PROXY_ERR_PROXY_AUTH_REQUIRED');
    expect(refusal(() => admitClient(keyed, '8.8.8.8', { 'proxy-authorization': 'Basic Y2k6a2V5' }))).toBe('407 PROXY_ERR_PROXY_AUTH_REQUIRED');
  });

  it('refuses a wrong key even from an allowed network', () => {
    const both = policy({ DATA_API_KEYS: 'ci:0123456789abcdef' });
    expect(admitClient(both, '10.0.0.1', {})).toEqual({ name: 'network' });
    expect(refusal(() => admitClient(both, '10.0.0.1', { 'proxy-authorization': 'Bearer wrong-key-wrong-key' }))).toBe(
      '407 PROXY_ERR_PROXY_AUTH_REQUIRED',
    );
  });

  it('opens the forward modes to everyone with 0.0.0.0/0,::/0', () => {
    const open = policy({ DATA_ALLOWED_CLIENTS: '0.0.0.0/0,::/0' });
    expect(admitClient(open, '8.8.8.8', {})).toEqual({ name: 'network' });
    expect(admitClient(open, '2001:db8::1', {})).toEqual({ name: 'network' });
  });
});
