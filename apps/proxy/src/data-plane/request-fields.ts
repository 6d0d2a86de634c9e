import { forwardableRequestHeaders } from './hop-by-hop.js';
import { inNetworks, parsePeerAddress, type Address, type Network } from './networks.js';

/**
 * What happens to a request field on its way to the origin. A shared cache keys its entries on
 * the target URI (RFC 9111 §2) and on the fields the origin names in Vary (§4.1); any other
 * field that reaches the origin can change a response that is then served to every client. So
 * each field that origins commonly act on is either stripped, set from the proxy's own view, or
 * keyed; the rest are forwarded as end-to-end fields (RFC 9110 §7.6.1 removes hop-by-hop ones).
 *
 * - `strip`: never forwarded (URL-rewrite and method-override fields, forwarding fields with no
 *   standard meaning, and the framing of a body a GET/HEAD may not carry).
 * - `set`: the client's value is replaced (or extended) by the proxy's own view.
 * - `key`: part of the cache key.
 * - `forward`: passed on unchanged (the default for every field not listed).
 */
export type FieldTreatment = 'strip' | 'set' | 'key' | 'forward';

export interface FieldRule {
  treatment: FieldTreatment;
  /** Why, for the README's Security model and the table-driven test. */
  why: string;
}

const REWRITE = 'URL rewrite: frameworks (Symfony, IIS, Zend) route on it, while the key holds the URL sent';
const OVERRIDE = 'method override: frameworks treat a GET as the named method, while the key holds GET';
const NONSTANDARD = 'forwarding field with no standard meaning: origins build URLs from it; never keyed';
const BODYLESS = 'framing of a GET/HEAD body, which is never forwarded (a body could change an unkeyed response)';

/** One table for every field the proxy treats specially; every other end-to-end field is forwarded. */
export const REQUEST_FIELD_POLICY: Readonly<Record<string, FieldRule>> = {
  host: { treatment: 'set', why: "the target's authority (RFC 9110 §7.2); the client's Host is only checked against PUBLIC_HOSTS" },
  'x-forwarded-for': { treatment: 'set', why: "the peer's address; appended to the list only when the peer is in TRUSTED_PROXIES" },
  'x-forwarded-proto': { treatment: 'set', why: 'the scheme of the connection to the proxy (kept from TRUSTED_PROXIES)' },
  'x-forwarded-host': { treatment: 'set', why: 'the accepted PUBLIC_HOSTS name in reverse mode, otherwise not sent' },
  forwarded: { treatment: 'set', why: 'RFC 7239: for= and proto= (host= in reverse mode) of the proxy\'s view, appended to TRUSTED_PROXIES\' elements' },
  'x-original-url': { treatment: 'strip', why: REWRITE },
  'x-rewrite-url': { treatment: 'strip', why: REWRITE },
  'x-original-uri': { treatment: 'strip', why: REWRITE },
  'x-forwarded-uri': { treatment: 'strip', why: REWRITE },
  'x-forwarded-prefix': { treatment: 'strip', why: REWRITE },
  'x-http-method-override': { treatment: 'strip', why: OVERRIDE },
  'x-http-method': { treatment: 'strip', why: OVERRIDE },
  'x-method-override': { treatment: 'strip', why: OVERRIDE },
  'x-forwarded-scheme': { treatment: 'strip', why: NONSTANDARD },
  'x-forwarded-port': { treatment: 'strip', why: NONSTANDARD },
  'x-forwarded-server': { treatment: 'strip', why: NONSTANDARD },
  'x-forwarded-ssl': { treatment: 'strip', why: NONSTANDARD },
  'front-end-https': { treatment: 'strip', why: NONSTANDARD },
  'x-host': { treatment: 'strip', why: NONSTANDARD },
  'x-original-host': { treatment: 'strip', why: NONSTANDARD },
  'x-real-ip': { treatment: 'strip', why: NONSTANDARD },
  'x-client-ip': { treatment: 'strip', why: NONSTANDARD },
  'true-client-ip': { treatment: 'strip', why: NONSTANDARD },
};

/** Fields stripped from GET and HEAD requests, whose bodies are never forwarded. */
export const BODY_FIELDS: Readonly<Record<string, FieldRule>> = {
  'content-length': { treatment: 'strip', why: BODYLESS },
  'content-type': { treatment: 'strip', why: BODYLESS },
  'content-encoding': { treatment: 'strip', why: BODYLESS },
};

/** The proxy's own view of the client connection, for the fields it sets. */
export interface ClientView {
  /** The connection's peer address (`socket.remoteAddress`). */
  peerAddress: string | undefined;
  /** Reverse mode: the accepted PUBLIC_HOSTS name, sent as X-Forwarded-Host. */
  publicHost?: string | undefined;
}

/** RFC 7239 §6: an IPv6 node is quoted and bracketed; an unknown one is `unknown`. */
function forwardedNode(address: Address | undefined): string {
  if (address === undefined) return 'unknown';
  return address.kind() === 'ipv6' ? `"[${address.toString()}]"` : address.toString();
}

/**
 * The request-field policy of REQUEST_FIELD_POLICY, applied to one request: used by every front
 * end (`/http/`, reverse mode and the `POST /proxy` envelope's `headers`).
 */
export class RequestFieldPolicy {
  private readonly trustedProxies: readonly Network[];

  constructor(options: { trustedProxies?: readonly Network[] } = {}) {
    this.trustedProxies = options.trustedProxies ?? [];
  }

  /** Whether the peer is a listed upstream proxy (TRUSTED_PROXIES), whose forwarding fields are kept. */
  isTrustedPeer(peerAddress: string | undefined): boolean {
    const address = parsePeerAddress(peerAddress);
    if (address === undefined) return false;
    return inNetworks(address, this.trustedProxies);
  }

  /** Whether a request body is forwarded: never for GET and HEAD (RFC 9110 §9.3.1: no defined semantics). */
  forwardsBody(method: string): boolean {
    const upper = method.toUpperCase();
    return upper !== 'GET' && upper !== 'HEAD';
  }

  /**
   * The flat `[name, value, …]` list sent to the origin for a client's raw request fields:
   * hop-by-hop fields removed (RFC 9110 §7.6.1), fields whose names contain `_` removed (as
   * nginx does by default), the policy's `strip` fields removed, and its
   * `set` fields written from the proxy's own view: `X-Forwarded-For: <peer>`,
   * `X-Forwarded-Proto: http`, `X-Forwarded-Host: <publicHost>` (reverse mode with PUBLIC_HOSTS
   * only) and `Forwarded: for=<peer>;proto=http[;host=<publicHost>]` (RFC 7239 §4). Only when
   * the peer is a trusted proxy are its X-Forwarded-For list and Forwarded elements kept (ours
   * appended) and its X-Forwarded-Proto (`http` or `https`) passed on.
   */
  forwardHeaders(method: string, rawHeaders: readonly string[], view: ClientView): string[] {
    const trusted = this.isTrustedPeer(view.peerAddress);
    const bodyless = !this.forwardsBody(method);
    const kept = forwardableRequestHeaders(rawHeaders);
    const out: string[] = [];
    const prior: Record<'x-forwarded-for' | 'x-forwarded-proto' | 'forwarded', string[]> = {
      'x-forwarded-for': [],
      'x-forwarded-proto': [],
      forwarded: [],
    };
    for (let i = 0; i < kept.length; i += 2) {
      const name = kept[i]!;
      const lower = name.toLowerCase();
      if (lower in prior) {
        prior[lower as keyof typeof prior].push(kept[i + 1]!);
        continue;
      }
      // As nginx (`underscores_in_headers off`): a field name with `_` is dropped, since CGI, WSGI,
      // Rack and PHP read `X_Forwarded_Host` as `X-Forwarded-Host` — a stripped field in disguise.
      if (lower.includes('_')) continue;
      const rule = REQUEST_FIELD_POLICY[lower] ?? (bodyless ? BODY_FIELDS[lower] : undefined);
      if (rule !== undefined && rule.treatment !== 'forward') continue;
      out.push(name, kept[i + 1]!);
    }
    const peer = parsePeerAddress(view.peerAddress);
    const peerText = peer?.toString() ?? 'unknown';
    const priorFor = trusted ? prior['x-forwarded-for'].join(', ').trim() : '';
    out.push('x-forwarded-for', priorFor === '' ? peerText : `${priorFor}, ${peerText}`);
    const trustedProto = trusted ? prior['x-forwarded-proto'][0]?.trim().toLowerCase() : undefined;
    const proto = trustedProto === 'https' || trustedProto === 'http' ? trustedProto : 'http';
    out.push('x-forwarded-proto', proto);
    if (view.publicHost !== undefined) out.push('x-forwarded-host', view.publicHost);
    let element = `for=${forwardedNode(peer)};proto=http`;
    // RFC 7239 §4: a token, or a quoted-string with `"` and `\` escaped.
    if (view.publicHost !== undefined) {
      element += `;host=${/^[\w.-]+$/.test(view.publicHost) ? view.publicHost : `"${view.publicHost.replace(/["\\]/g, '\\$&')}"`}`;
    }
    const priorForwarded = trusted ? prior.forwarded.join(', ').trim() : '';
    out.push('forwarded', priorForwarded === '' ? element : `${priorForwarded}, ${element}`);
    return out;
  }
}

/**
 * Makes the request's own view of X-Forwarded-Host what the origin receives: the accepted public
 * host name, or nothing. Vary is matched against the request's fields (RFC 9111 §4.1), so an
 * origin that answers `Vary: X-Forwarded-Host` gets one variant per accepted name — a key on the
 * host — and a client's own X-Forwarded-Host can never select another name's variant.
 */
export function alignForwardedHost(headers: Record<string, string | string[] | undefined>, publicHost: string | undefined): void {
  if (publicHost !== undefined) headers['x-forwarded-host'] = publicHost;
  else if (headers['x-forwarded-host'] !== undefined) delete headers['x-forwarded-host'];
}
