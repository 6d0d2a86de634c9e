import type { LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ProxyError } from '../../src/errors.js';
import { blockedRange, TargetGuard, type TargetGuardOptions } from '../../src/upstream/target-guard.js';

function guard(options: Partial<TargetGuardOptions> = {}): TargetGuard {
  return new TargetGuard({ allowPrivateNetworks: false, allowedHosts: [], ...options });
}

function expectBlocked(action: () => void): ProxyError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(ProxyError);
    expect((error as ProxyError).code).toBe('PROXY_ERR_TARGET_BLOCKED');
    expect((error as ProxyError).status).toBe(403);
    return error as ProxyError;
  }
  throw new Error('expected PROXY_ERR_TARGET_BLOCKED, but nothing was thrown');
}

type LookupOutcome = { error: NodeJS.ErrnoException | null; address: string | LookupAddress[]; family?: number };

/** Calls the guard's `net` lookup function and resolves with whatever its callback receives. */
function lookupWith(target: TargetGuard, hostname: string, all: boolean): Promise<LookupOutcome> {
  return new Promise((resolve) => {
    target.lookup(hostname, { all }, ((error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => {
      resolve({ error, address, family });
    }));
  });
}

describe('blockedRange', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.0.1', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'linkLocal'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['::1', 'loopback'],
    ['fe80::1', 'linkLocal'],
    ['fc00::1', 'uniqueLocal'],
    ['ff02::1', 'multicast'],
    ['::', 'unspecified'],
  ])('blocks %s as %s', (address, range) => {
    expect(blockedRange(address)).toBe(range);
  });

  it.each(['168.63.129.16', '100.100.100.200', 'fd00:ec2::254'])('blocks the cloud instance-service address %s', (address) => {
    expect(blockedRange(address)).toBe('cloudMetadata');
  });

  it('blocks IPv4-mapped IPv6 addresses by their IPv4 range', () => {
    expect(blockedRange('::ffff:127.0.0.1')).toBe('loopback');
    expect(blockedRange('::ffff:7f00:1')).toBe('loopback');
    expect(blockedRange('::ffff:169.254.169.254')).toBe('linkLocal');
    expect(blockedRange('::ffff:a9fe:a9fe')).toBe('linkLocal');
  });

  it('blocks NAT64 and 6to4 addresses, which can embed a private IPv4 address', () => {
    expect(blockedRange('64:ff9b::7f00:1')).toBeDefined();
    expect(blockedRange('2002:7f00:1::')).toBeDefined();
  });

  it('accepts bracketed and zone-qualified IPv6 addresses', () => {
    expect(blockedRange('[::1]')).toBe('loopback');
    expect(blockedRange('fe80::1%eth0')).toBe('linkLocal');
  });

  it.each(['93.184.215.14', '8.8.8.8', '2606:4700::1111', '2001:4860:4860::8888'])(
    'allows the public unicast address %s',
    (address) => {
      expect(blockedRange(address)).toBeUndefined();
    },
  );

  it('reports a value that is not an IP address as invalid', () => {
    expect(blockedRange('example.com')).toBe('invalid');
    expect(blockedRange('')).toBe('invalid');
  });
});

describe('TargetGuard.assertUrlAllowed', () => {
  it.each([
    'http://127.0.0.1/',
    'http://127.1/',
    'http://2130706433/',
    'http://0x7f.1/',
    'http://0177.0.0.1/',
    'http://[::1]/',
    'http://[::ffff:127.0.0.1]/',
    'http://0.0.0.0/',
    'http://169.254.169.254/latest/meta-data/',
    'http://10.1.2.3:8080/',
    'https://[fd00:ec2::254]/',
  ])('refuses %s with PROXY_ERR_TARGET_BLOCKED', (text) => {
    expectBlocked(() => guard().assertUrlAllowed(new URL(text)));
  });

  it('names the host and the range in the message', () => {
    const error = expectBlocked(() => guard().assertUrlAllowed(new URL('http://127.1/')));
    expect(error.message).toContain('127.0.0.1');
    expect(error.message).toContain('loopback');
  });

  it('allows public IP literals', () => {
    expect(() => guard().assertUrlAllowed(new URL('http://93.184.215.14/'))).not.toThrow();
    expect(() => guard().assertUrlAllowed(new URL('http://[2606:4700::1111]/'))).not.toThrow();
  });

  it('leaves host names to the DNS check', () => {
    expect(() => guard().assertUrlAllowed(new URL('http://localhost/'))).not.toThrow();
    expect(() => guard().assertUrlAllowed(new URL('https://example.com/'))).not.toThrow();
  });

  it('allows every address when private networks are allowed', () => {
    const open = guard({ allowPrivateNetworks: true });
    for (const text of ['http://127.0.0.1/', 'http://[::1]/', 'http://169.254.169.254/', 'http://0.0.0.0/']) {
      expect(() => open.assertUrlAllowed(new URL(text))).not.toThrow();
    }
  });

  it('exempts an IP literal listed in ALLOWED_HOSTS', () => {
    const exempt = guard({ allowedHosts: ['127.0.0.1', '::1'] });
    expect(() => exempt.assertUrlAllowed(new URL('http://127.1/'))).not.toThrow();
    expect(() => exempt.assertUrlAllowed(new URL('http://[::1]:9000/'))).not.toThrow();
    expectBlocked(() => exempt.assertUrlAllowed(new URL('http://10.0.0.1/')));
  });

  it('accepts a bracketed IPv6 pattern in ALLOWED_HOSTS', () => {
    expect(() => guard({ allowedHosts: ['[::1]'] }).assertUrlAllowed(new URL('http://[::1]/'))).not.toThrow();
  });
});

describe('TargetGuard.isExempt', () => {
  it('exempts exactly the listed host names, case-insensitively', () => {
    const exempt = guard({ allowedHosts: ['internal.example'] });
    expect(exempt.isExempt('internal.example')).toBe(true);
    expect(exempt.isExempt('INTERNAL.Example')).toBe(true);
    expect(exempt.isExempt('other.example')).toBe(false);
    expect(exempt.isExempt('sub.internal.example')).toBe(false);
    expect(exempt.isExempt('xinternal.example')).toBe(false);
  });

  it('exempts subdomains of a *.suffix pattern, but not look-alike names', () => {
    const exempt = guard({ allowedHosts: ['*.svc.local'] });
    expect(exempt.isExempt('api.svc.local')).toBe(true);
    expect(exempt.isExempt('a.b.svc.local')).toBe(true);
    expect(exempt.isExempt('evilsvc.local')).toBe(false);
    expect(exempt.isExempt('svc.local.evil.com')).toBe(false);
  });

  it('exempts nothing by default', () => {
    expect(guard().isExempt('localhost')).toBe(false);
  });
});

describe('TargetGuard.assertConnectedAddressAllowed', () => {
  it('refuses a connection whose peer is a blocked address', () => {
    expectBlocked(() => guard().assertConnectedAddressAllowed('example.com', '127.0.0.1'));
    expectBlocked(() => guard().assertConnectedAddressAllowed('example.com', '::ffff:10.0.0.1'));
  });

  it('refuses a connection whose peer address is unknown', () => {
    expectBlocked(() => guard().assertConnectedAddressAllowed('example.com', undefined));
  });

  it('allows a public peer address', () => {
    expect(() => guard().assertConnectedAddressAllowed('example.com', '93.184.215.14')).not.toThrow();
  });

  it('allows any peer for an exempt host', () => {
    expect(() => guard({ allowedHosts: ['db.internal'] }).assertConnectedAddressAllowed('db.internal', '10.0.0.5')).not.toThrow();
    expect(() => guard({ allowPrivateNetworks: true }).assertConnectedAddressAllowed('x', '127.0.0.1')).not.toThrow();
  });
});

describe('TargetGuard.lookup', () => {
  it('fails with PROXY_ERR_TARGET_BLOCKED when localhost resolves to loopback (all: true)', async () => {
    const { error } = await lookupWith(guard(), 'localhost', true);
    expect(error).toBeInstanceOf(ProxyError);
    expect((error as unknown as ProxyError).code).toBe('PROXY_ERR_TARGET_BLOCKED');
  });

  it('fails with PROXY_ERR_TARGET_BLOCKED when localhost resolves to loopback (all: false)', async () => {
    const { error } = await lookupWith(guard(), 'localhost', false);
    expect(error).toBeInstanceOf(ProxyError);
    expect((error as unknown as ProxyError).code).toBe('PROXY_ERR_TARGET_BLOCKED');
  });

  it('returns every loopback address for a host in ALLOWED_HOSTS (all: true)', async () => {
    const { error, address } = await lookupWith(guard({ allowedHosts: ['localhost'] }), 'localhost', true);
    expect(error).toBeNull();
    expect(Array.isArray(address)).toBe(true);
    const addresses = address as LookupAddress[];
    expect(addresses.length).toBeGreaterThan(0);
    for (const { address: ip, family } of addresses) {
      expect(blockedRange(ip)).toBe('loopback');
      expect(family).toBe(isIP(ip));
    }
  });

  it('returns one loopback address and its family for a host in ALLOWED_HOSTS (all: false)', async () => {
    const { error, address, family } = await lookupWith(guard({ allowedHosts: ['localhost'] }), 'localhost', false);
    expect(error).toBeNull();
    expect(typeof address).toBe('string');
    expect(blockedRange(address as string)).toBe('loopback');
    expect(family).toBe(isIP(address as string));
  });
});
