import type { AddressInfo } from 'node:net';
import type { Config } from './config.js';

/** `http://host:port` of a listening socket; the unspecified address becomes `localhost`, which a person can open. */
export function browsableUrl(address: AddressInfo): string {
  const host = address.address === '0.0.0.0' || address.address === '::' ? 'localhost' : address.address;
  return `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
}

/**
 * The one human-readable startup line: where to send requests, where the dashboard is, which
 * cache backend and (reverse-proxy mode) which origin, e.g.
 * `caching-proxy listening: proxy http://localhost:8000 (all interfaces), dashboard http://127.0.0.1:8001/, memory cache`.
 * No secret appears (REDIS_URL may hold a password: only the backend's name is named).
 */
export function describeListening(data: AddressInfo, admin: AddressInfo, config: Config): string {
  const everywhere = data.address === '0.0.0.0' || data.address === '::' ? ' (all interfaces)' : '';
  const origin = config.ORIGIN_URL === undefined ? undefined : new URL(config.ORIGIN_URL);
  const proxy = origin
    ? `reverse proxy ${browsableUrl(data)}${everywhere} for origin ${origin.origin}${origin.pathname === '/' ? '' : origin.pathname}`
    : `proxy ${browsableUrl(data)}${everywhere}`;
  return `caching-proxy listening: ${proxy}, dashboard ${browsableUrl(admin)}/, ${config.CACHE_BACKEND} cache`;
}
