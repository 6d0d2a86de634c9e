import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions, type LookupOneOptions } from 'node:dns';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { ProxyError } from '../errors.js';

/**
 * The SSRF guard. Unless private networks are allowed or the host is listed in ALLOWED_HOSTS,
 * a target may only be a public unicast address. It is enforced three times: on IP literals in
 * the URL (before any connection), on every DNS answer (before connecting), and on the address
 * the socket actually connected to (after connecting, before a byte is sent).
 */
export interface TargetGuardOptions {
  allowPrivateNetworks: boolean;
  /** Lowercase host names, `*.suffix` patterns or IP literals. */
  allowedHosts: readonly string[];
  /**
   * TARGET_ALLOWED_HOSTS (forward modes): when non-empty, the only hosts the proxy fetches from —
   * host names, `*.suffix` patterns (subdomains only) or IP literals. Empty allows every host.
   */
  targetAllowList?: readonly string[] | undefined;
}

/**
 * Public addresses that still reach a cloud provider's instance services (metadata, DNS, agents);
 * the usual metadata address 169.254.169.254 is already link-local.
 */
const CLOUD_METADATA_ADDRESSES = new Set(['168.63.129.16', '100.100.100.200', 'fd00:ec2::254']);

/** The name of the blocked range an address falls in, or undefined for a public unicast address. */
export function blockedRange(address: string): string | undefined {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (!ipaddr.isValid(bare)) return 'invalid';
  let parsed = ipaddr.parse(bare);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  }
  if (CLOUD_METADATA_ADDRESSES.has(parsed.toNormalizedString()) || CLOUD_METADATA_ADDRESSES.has(parsed.toString())) {
    return 'cloudMetadata';
  }
  const range = parsed.range();
  if (range === 'unicast' && parsed.kind() === 'ipv6' && isIpv4Compatible(parsed as ipaddr.IPv6)) {
    return 'ipv4Compatible';
  }
  return range === 'unicast' ? undefined : range;
}

/** Deprecated IPv4-compatible addresses (`::a.b.c.d`, RFC 4291 §2.5.5.1) may reach IPv4 hosts. */
function isIpv4Compatible(address: ipaddr.IPv6): boolean {
  return address.parts.slice(0, 6).every((part) => part === 0);
}

function isIpLiteral(hostname: string): boolean {
  return ipaddr.isValid(hostname.replace(/^\[|\]$/g, ''));
}

/** Whether a host matches one of the patterns: a name, a `*.suffix` (subdomains only) or an IP literal. */
export function hostMatches(hostname: string, patterns: readonly string[]): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  for (const pattern of patterns) {
    const bare = pattern.replace(/^\[|\]$/g, '');
    if (bare === host) return true;
    if (bare.startsWith('*.') && host.endsWith(bare.slice(1))) return true;
  }
  return false;
}

export class TargetGuard {
  constructor(private readonly options: TargetGuardOptions) {}

  /** Whether the guard does not apply to this host at all. */
  isExempt(hostname: string): boolean {
    return this.options.allowPrivateNetworks || hostMatches(hostname, this.options.allowedHosts);
  }

  /**
   * Refuses, before any connection, URLs whose host is not in TARGET_ALLOWED_HOSTS (when set) or
   * is a blocked IP literal (WHATWG parsing already canonicalised `127.1`, `2130706433`, …).
   */
  assertUrlAllowed(url: URL): void {
    const allowList = this.options.targetAllowList;
    if (allowList !== undefined && allowList.length > 0 && !hostMatches(url.hostname, allowList)) {
      throw new ProxyError('PROXY_ERR_TARGET_NOT_ALLOWED', `The target host ${url.hostname} is not in TARGET_ALLOWED_HOSTS`);
    }
    if (this.isExempt(url.hostname) || !isIpLiteral(url.hostname)) return;
    const range = blockedRange(url.hostname);
    if (range !== undefined) throw blockedError(url.hostname, range);
  }

  /** Throws when a connected socket's peer address is blocked for this host. */
  assertConnectedAddressAllowed(hostname: string, remoteAddress: string | undefined): void {
    if (this.isExempt(hostname)) return;
    const range = remoteAddress === undefined ? 'unknown' : blockedRange(remoteAddress);
    if (range !== undefined) throw blockedError(hostname, range);
  }

  /** A `net` lookup function that fails when any DNS answer for the host is blocked. */
  readonly lookup: LookupFunction = (hostname, options, callback) => {
    const all = (options as LookupAllOptions).all === true;
    dnsLookup(hostname, { ...(options as LookupOneOptions), all: true }, (error, addresses: LookupAddress[]) => {
      if (error) {
        callback(error, '', 0);
        return;
      }
      if (!this.isExempt(hostname)) {
        for (const { address } of addresses) {
          const range = blockedRange(address);
          if (range !== undefined) {
            callback(blockedError(hostname, range), '', 0);
            return;
          }
        }
      }
      if (all) {
        (callback as unknown as (err: null, addresses: LookupAddress[]) => void)(null, addresses);
        return;
      }
      const first = addresses[0];
      if (!first) {
        callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), '', 0);
        return;
      }
      callback(null, first.address, first.family);
    });
  };
}

function blockedError(hostname: string, range: string): ProxyError {
  return new ProxyError(
    'PROXY_ERR_TARGET_BLOCKED',
    `Target ${hostname} is or resolves to a ${range} address, which the proxy does not connect to ` +
      '(set ALLOW_PRIVATE_NETWORKS=true or list the host in ALLOWED_HOSTS to allow it)',
  );
}
