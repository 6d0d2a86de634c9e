import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { ProxyError } from '../errors.js';
import { inNetworks, parsePeerAddress, type Network } from './networks.js';

/** A data-plane API key and the name it shows under in logs and metrics (DATA_API_KEYS). */
export interface NamedKey {
  name: string;
  key: string;
}

/** Who may use the forward modes (`/http/…`, `POST /proxy`) of the data port. */
export interface ClientAccessPolicy {
  /** DATA_ALLOWED_CLIENTS: CIDR networks whose clients need no key. */
  allowedClients: readonly Network[];
  /** DATA_API_KEYS: keys accepted from any address, as `Proxy-Authorization: Bearer <key>`. */
  apiKeys: readonly NamedKey[];
}

/** An admitted client: the name of its key, or `network` when its address was enough. */
export interface AdmittedClient {
  name: string;
}


const digest = (text: string) => createHash('sha256').update(text).digest();

/** The key of a `Proxy-Authorization: Bearer <key>` field (RFC 9110 §11.7.2), if any. */
function presentedKey(headers: IncomingHttpHeaders): string | undefined {
  const value = headers['proxy-authorization'];
  if (value === undefined) return undefined;
  return /^Bearer[ \t]+(\S+)\s*$/i.exec(value)?.[1] ?? '';
}

/**
 * Decides whether a client may use the forward modes, as Squid's default `http_access` does
 * (loopback and private networks only), widened by named API keys. A presented key must be
 * valid (compared in constant time against every key); without one, the peer address decides.
 * Throws `PROXY_ERR_PROXY_AUTH_REQUIRED` (407) when keys are configured and none valid was
 * sent, `PROXY_ERR_CLIENT_NOT_ALLOWED` (403) otherwise.
 */
export function admitClient(policy: ClientAccessPolicy, peerAddress: string | undefined, headers: IncomingHttpHeaders): AdmittedClient {
  const key = presentedKey(headers);
  if (key !== undefined && policy.apiKeys.length > 0) {
    const presented = digest(key);
    let match: NamedKey | undefined;
    // Every key is compared, so the time taken does not tell which one (or whether one) matched.
    for (const candidate of policy.apiKeys) {
      if (timingSafeEqual(presented, digest(candidate.key)) && match === undefined) match = candidate;
    }
    if (match) return { name: match.name };
    throw new ProxyError('PROXY_ERR_PROXY_AUTH_REQUIRED', 'The key in Proxy-Authorization is not one of DATA_API_KEYS');
  }
  const address = parsePeerAddress(peerAddress);
  if (address !== undefined && inNetworks(address, policy.allowedClients)) return { name: 'network' };
  if (policy.apiKeys.length > 0) {
    throw new ProxyError(
      'PROXY_ERR_PROXY_AUTH_REQUIRED',
      'This client address is not in DATA_ALLOWED_CLIENTS: send a data-plane key (DATA_API_KEYS) as `Proxy-Authorization: Bearer <key>`',
    );
  }
  throw new ProxyError(
    'PROXY_ERR_CLIENT_NOT_ALLOWED',
    'This client address is not in DATA_ALLOWED_CLIENTS, which lists the networks allowed to use /http/ and /proxy (or set DATA_API_KEYS)',
  );
}
