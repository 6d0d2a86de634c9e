import ipaddr from 'ipaddr.js';
import { BoundedMap } from '../bounded-map.js';

/** An IP address as ipaddr.js parses it. */
export type Address = ipaddr.IPv4 | ipaddr.IPv6;

/** A network as `[address, prefix length]` (ipaddr.js's CIDR form), as the configuration lists them. */
export type Network = readonly [Address, number];

/** Parsed peer addresses by `socket.remoteAddress` (null: not an address). Never mutated by callers. */
const parsedPeers = new BoundedMap<string, Address | null>(1024);

/**
 * A connection's peer address (`socket.remoteAddress`), with an IPv6 zone dropped and an
 * IPv4-mapped IPv6 address (`::ffff:10.0.0.1`, dual-stack sockets) turned into IPv4; undefined
 * when it is not an address.
 */
export function parsePeerAddress(address: string | undefined): Address | undefined {
  if (address === undefined) return undefined;
  // Every request of a connection asks again, usually twice; parsing costs more than the lookup.
  const known = parsedPeers.get(address);
  if (known !== undefined) return known ?? undefined;
  const parsed = parseAddress(address);
  parsedPeers.set(address, parsed ?? null);
  return parsed;
}

function parseAddress(address: string): Address | undefined {
  const bare = address.replace(/%.*$/, '');
  if (!ipaddr.isValid(bare)) return undefined;
  const parsed = ipaddr.parse(bare);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) return (parsed as ipaddr.IPv6).toIPv4Address();
  return parsed;
}

/** Whether an address lies in one of the networks. */
export function inNetworks(address: Address, networks: readonly Network[]): boolean {
  return networks.some(([network, bits]) => network.kind() === address.kind() && address.match(network, bits));
}
