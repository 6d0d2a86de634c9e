import type { RequestHandler } from 'express';
import ipaddr from 'ipaddr.js';
import type { Clock } from '../clock.js';
import { writeErrorResponse } from '../error-response.js';
import { ProxyError } from '../errors.js';
import { requestIdOf } from '../request-id.js';

export interface AdminGuardOptions {
  /** ADMIN_API_KEY: with a key, the Host check is not needed (a rebinding page cannot know the key). */
  apiKey: string | undefined;
  /** ADMIN_ALLOWED_HOSTS: further Host names the admin listener answers without a key. */
  allowedHosts: readonly string[];
  /** ADMIN_AUTH_FAILURE_LIMIT: failed authentications per address... */
  failureLimit: number;
  /** ...within ADMIN_AUTH_FAILURE_WINDOW_MS; then 429 until the window ends. */
  failureWindowMs: number;
  clock: Clock;
}

/** The host name of a Host field value: `[::1]:8001` → `::1`, `Localhost.:8001` → `localhost`. */
export function hostNameOf(host: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d*)?$/.exec(host);
  const name = bracketed ? bracketed[1]! : host.replace(/:\d*$/, '');
  return name.toLowerCase().replace(/\.$/, '');
}

/**
 * Whether a Host may reach the admin listener without a key. A DNS-rebinding page reaches us
 * under its own name; an IP literal or a loopback name cannot be rebound (the page would have
 * come from that address itself). RFC 6761 §6.3: `localhost` and `*.localhost` are loopback.
 */
export function isAdminHostAllowed(host: string | undefined, allowedHosts: readonly string[]): boolean {
  if (host === undefined) return true;
  const name = hostNameOf(host);
  if (ipaddr.isValid(name)) return true;
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  return allowedHosts.some((pattern) => pattern === name || (pattern.startsWith('*.') && name.endsWith(pattern.slice(1))));
}

/**
 * Failed authentications per client address in fixed windows. Bounded: at most `maxAddresses`
 * addresses are remembered, expired windows are dropped first.
 */
export class AuthFailureLimiter {
  private readonly windows = new Map<string, { startedAt: number; failures: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly clock: Clock,
    private readonly maxAddresses = 10_000,
  ) {}

  /** Milliseconds until the address may try again, or 0 when it is not blocked. */
  blockedForMs(address: string): number {
    const window = this.windows.get(address);
    if (window === undefined) return 0;
    const remaining = window.startedAt + this.windowMs - this.clock();
    if (remaining <= 0) {
      this.windows.delete(address);
      return 0;
    }
    return window.failures >= this.limit ? remaining : 0;
  }

  recordFailure(address: string): void {
    const now = this.clock();
    const window = this.windows.get(address);
    if (window && now - window.startedAt < this.windowMs) {
      window.failures++;
      return;
    }
    if (this.windows.size >= this.maxAddresses) this.prune(now);
    this.windows.set(address, { startedAt: now, failures: 1 });
  }

  private prune(now: number): void {
    for (const [address, window] of this.windows) {
      if (now - window.startedAt >= this.windowMs) this.windows.delete(address);
    }
    // Still full of live windows: forget the oldest (insertion order) rather than grow.
    while (this.windows.size >= this.maxAddresses) this.windows.delete(this.windows.keys().next().value!);
  }
}

/**
 * Whom a failed authentication is counted against: an IPv4 address (an IPv4-mapped IPv6 address
 * as its IPv4 form), or the /64 network of an IPv6 address — one host usually holds a whole /64
 * (RFC 4291 §2.5.4 interface identifiers; SLAAC privacy addresses rotate within it), so counting
 * exact IPv6 addresses would give one client 2^64 budgets.
 */
export function failureCountingKey(remoteAddress: string | undefined): string {
  const bare = remoteAddress?.replace(/%.*$/, '');
  if (bare === undefined || !ipaddr.isValid(bare)) return 'unknown';
  const parsed = ipaddr.parse(bare);
  if (parsed.kind() === 'ipv4') return parsed.toString();
  const v6 = parsed as ipaddr.IPv6;
  if (v6.isIPv4MappedAddress()) return v6.toIPv4Address().toString();
  return `${v6.parts.slice(0, 4).map((part) => part.toString(16)).join(':')}::/64`;
}

function isHealthCheck(url: string | undefined): boolean {
  return url === '/health' || url?.startsWith('/health?') === true;
}

/**
 * The per-client limit on failed authentications: 429 with Retry-After while a client (an IPv4
 * address or an IPv6 /64, see failureCountingKey) is over the limit; a 401 answered by any route
 * behind it counts as a failure. Without an API key nothing authenticates, so it passes
 * everything. One instance can guard several apps (one budget per client across both listeners).
 */
export function authFailureLimit(options: Omit<AdminGuardOptions, 'allowedHosts'>): RequestHandler {
  const limiter = new AuthFailureLimiter(options.failureLimit, options.failureWindowMs, options.clock);
  return (req, res, next) => {
    // /health never needs the key, so a client that failed to authenticate cannot lock a load
    // balancer's health checks out either.
    if (options.apiKey === undefined || isHealthCheck(req.url)) {
      next();
      return;
    }
    const address = failureCountingKey(req.socket.remoteAddress);
    const blockedMs = limiter.blockedForMs(address);
    if (blockedMs > 0) {
      const error = new ProxyError('PROXY_ERR_TOO_MANY_REQUESTS', 'Too many failed authentications from this address; retry later');
      writeErrorResponse(res, error, requestIdOf(req), { 'retry-after': String(Math.ceil(blockedMs / 1000)) });
      return;
    }
    res.once('finish', () => {
      if (res.statusCode === 401) limiter.recordFailure(address);
    });
    next();
  };
}

/**
 * The DNS-rebinding guard of the admin listener: without an API key, a request whose Host is not
 * a loopback name, an IP literal or in ADMIN_ALLOWED_HOSTS answers 421.
 */
export function rebindingGuard(options: Pick<AdminGuardOptions, 'apiKey' | 'allowedHosts'>): RequestHandler {
  return (req, res, next) => {
    if (options.apiKey === undefined && !isAdminHostAllowed(req.headers.host, options.allowedHosts)) {
      const error = new ProxyError(
        'PROXY_ERR_MISDIRECTED_REQUEST',
        'Without ADMIN_API_KEY the admin listener only answers loopback names and IP addresses in Host; list other names in ADMIN_ALLOWED_HOSTS',
      );
      writeErrorResponse(res, error, requestIdOf(req));
      return;
    }
    next();
  };
}
