import { describe, expect, it } from 'vitest';
import { AuthFailureLimiter, failureCountingKey, hostNameOf, isAdminHostAllowed } from '../../src/control-plane/admin-guard.js';
import { manualClock } from '../helpers/clock.js';

describe('isAdminHostAllowed (DNS-rebinding guard)', () => {
  it.each([undefined, 'localhost', 'localhost:8001', 'LocalHost.', 'a.b.localhost:1', '127.0.0.1:8001', '[::1]:8001', '192.168.1.2', 'admin.corp', 'x.ops.example'])(
    'allows %s',
    (host) => {
      expect(isAdminHostAllowed(host, ['admin.corp', '*.ops.example'])).toBe(true);
    },
  );

  it.each(['evil.example', 'localhost.evil.example', '127.0.0.1.nip.io', 'ops.example', 'admin.corp.evil'])('refuses %s', (host) => {
    expect(isAdminHostAllowed(host, ['admin.corp', '*.ops.example'])).toBe(false);
  });

  it('reads the host name of a Host field', () => {
    expect(hostNameOf('[::1]:8001')).toBe('::1');
    expect(hostNameOf('Example.COM.:80')).toBe('example.com');
  });
});

describe('AuthFailureLimiter', () => {
  it('blocks an address after the limit until its window ends, others unaffected', () => {
    const clock = manualClock();
    const limiter = new AuthFailureLimiter(2, 1_000, clock.now);
    limiter.recordFailure('10.0.0.1');
    expect(limiter.blockedForMs('10.0.0.1')).toBe(0);
    limiter.recordFailure('10.0.0.1');
    clock.advance(400);
    expect(limiter.blockedForMs('10.0.0.1')).toBe(600);
    expect(limiter.blockedForMs('10.0.0.2')).toBe(0);
    clock.advance(600);
    expect(limiter.blockedForMs('10.0.0.1')).toBe(0);
  });

  it('remembers a bounded number of addresses', () => {
    const clock = manualClock();
    const limiter = new AuthFailureLimiter(1, 1_000, clock.now, 3);
    for (const address of ['a', 'b', 'c', 'd']) limiter.recordFailure(address);
    expect(limiter.blockedForMs('a')).toBe(0);
    expect(limiter.blockedForMs('d')).toBe(1_000);
  });
});

describe('failureCountingKey', () => {
  it('counts an IPv4 client by its address, also when a dual-stack socket reports it IPv4-mapped', () => {
    expect(failureCountingKey('203.0.113.7')).toBe('203.0.113.7');
    expect(failureCountingKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
  });

  it('counts every address of one IPv6 /64 as one client, so rotating the interface identifier gains nothing', () => {
    const first = failureCountingKey('2001:db8:1:2:aaaa:bbbb:cccc:dddd');
    expect(first).toBe('2001:db8:1:2::/64');
    expect(failureCountingKey('2001:db8:1:2::1')).toBe(first);
    expect(failureCountingKey('2001:db8:1:2:ffff::9%eth0')).toBe(first);
    expect(failureCountingKey('2001:db8:1:3::1')).not.toBe(first);
  });

  it('puts connections without a usable address in one bucket', () => {
    expect(failureCountingKey(undefined)).toBe('unknown');
    expect(failureCountingKey('not-an-address')).toBe('unknown');
  });
});
