import type { IncomingMessage } from 'node:http';
import { BoundedMap } from '../bounded-map.js';
import { entryKeyFor } from '../cache/cache-key.js';
import { ProxyError } from '../errors.js';
import { alignForwardedHost, RequestFieldPolicy } from './request-fields.js';
import { hostMatches } from '../upstream/target-guard.js';
import { isValidHostName, parseTargetUrl, parseTransparentTarget } from './target.js';

/** The transparent-mode prefix: `/http/{target}`. */
export const TRANSPARENT_PREFIX = '/http/';

/** A request's target: its URL, the primary cache key of that URL, and what goes upstream with it. */
export interface ResolvedTarget {
  url: URL;
  key: string;
  /** The request-field policy of this front end (what is stripped, set or forwarded). */
  fields: RequestFieldPolicy;
  /** Reverse mode with PUBLIC_HOSTS: the accepted Host name, lowercase, without port. */
  publicHost?: string | undefined;
}

/**
 * Finds the target of a data-plane request from its raw URL (never Express's decoded params or
 * its mount-stripped `req.url`) and, in reverse mode, its Host: undefined when the request is
 * not for this front end, a ProxyError when it is malformed or misdirected. A proxied request's
 * X-Forwarded-Host is aligned with what the origin will receive (see alignForwardedHost).
 */
export type TargetResolver = (req: Pick<IncomingMessage, 'url' | 'headers'>) => ResolvedTarget | undefined;

/**
 * Recently resolved request targets by raw URL: a hot URL is parsed and hashed once, not on every
 * hit. Bounded, oldest dropped first; only valid targets are kept, and their URL objects are
 * never mutated after resolution.
 */
class TargetCache {
  private readonly targets: BoundedMap<string, ResolvedTarget>;

  constructor(
    private readonly fields: RequestFieldPolicy,
    capacity = 4096,
    private readonly maxRawLength = 2048,
  ) {
    this.targets = new BoundedMap(capacity);
  }

  resolve(raw: string, parse: () => URL): ResolvedTarget {
    const cached = this.targets.get(raw);
    if (cached) return cached;
    const url = parse();
    const resolved = { url, key: entryKeyFor(url), fields: this.fields };
    if (raw.length <= this.maxRawLength) this.targets.set(raw, resolved);
    return resolved;
  }
}

/** `/http/{target}`: the target is everything after the prefix. */
export function createTransparentResolver(fields: RequestFieldPolicy): TargetResolver {
  const targets = new TargetCache(fields);
  return (req) => {
    const raw = req.url ?? '';
    if (!raw.startsWith(TRANSPARENT_PREFIX)) return undefined;
    const resolved = targets.resolve(raw, () => parseTransparentTarget(raw.slice(TRANSPARENT_PREFIX.length)));
    alignForwardedHost(req.headers, undefined);
    return resolved;
  };
}

/** The transparent resolver with the default request-field policy (no trusted proxies). */
export const resolveTransparentTarget: TargetResolver = createTransparentResolver(new RequestFieldPolicy());

/** `http://` or `https://` at the start of a request target: the absolute form. */
const ABSOLUTE_FORM = /^https?:\/\//i;

/**
 * The forward modes' resolver: `/http/{target}`, and the absolute form (RFC 9112 §3.2.2,
 * `GET http://host/path HTTP/1.1`) that HTTP_PROXY-configured clients and `curl -x` send to a
 * forward proxy. An absolute-form target is the same URL, so it gets the same guard, the same key
 * and the same entry as `/http/http://host/path`; its `Host` header is ignored (§3.2.2) since the
 * proxy sets Host from the target anyway.
 */
export function createForwardResolver(fields: RequestFieldPolicy): TargetResolver {
  const transparent = createTransparentResolver(fields);
  const absoluteFormTargets = new TargetCache(fields);
  return (req) => {
    const raw = req.url ?? '';
    if (!ABSOLUTE_FORM.test(raw)) return transparent(req);
    const resolved = absoluteFormTargets.resolve(raw, () => parseTargetUrl(raw));
    alignForwardedHost(req.headers, undefined);
    return resolved;
  };
}

/** Separators an origin may honour inside a path: `/`, `\` (IIS, WHATWG URL), and their encodings. */
const PATH_SEPARATORS = /\/|\\|%2f|%5c/i;

/**
 * A path segment as the most lenient origin reads it: `%25` decoded as often as it appears (an
 * origin that decodes twice), `%2e` as a dot, and everything from a `;` (path parameters, as
 * Tomcat and Spring read `..;x`) or a NUL on cut off.
 */
function lenientSegment(segment: string): string {
  let decoded = segment;
  while (/%25/i.test(decoded)) decoded = decoded.replace(/%25/gi, '%');
  return decoded.replace(/%2e/gi, '.').split(/;|%3b|%00/i, 1)[0]!;
}

/**
 * Whether a raw request path, resolved as an origin would resolve it, climbs above its start
 * (RFC 3986 §5.2.4 dot segments): encoded dots (`%2e`, double-encoded `%252e`) count as dots,
 * backslashes or encoded slashes as separators, and a segment's parameters (`..;x`) are ignored,
 * so `/%2e%2e/x`, `/.%2E/x`, `/..\x`, `/..;/x` and `/%252e%252e/x` are caught like `/../x`.
 */
export function climbsAboveRoot(rawPath: string): boolean {
  let depth = 0;
  for (const segment of rawPath.split(PATH_SEPARATORS)) {
    const decoded = lenientSegment(segment);
    if (decoded === '..') {
      depth--;
      if (depth < 0) return true;
    } else if (decoded !== '.' && decoded !== '') {
      depth++;
    }
  }
  return false;
}

/** A Host field value: a host name or bracketed IPv6 literal, and an optional port (RFC 9110 §7.2). */
const HOST_FIELD = /^(\[[0-9a-f:.]+\]|[a-z0-9_.-]+)(?::\d{1,5})?$/i;

/**
 * The Host header's name (port dropped, lowercase) when it is a valid host name or IP literal
 * that matches a PUBLIC_HOSTS entry (exact, or `*.suffix` for subdomains); undefined otherwise.
 * Anything else — `evil.com/.example.org`, quotes, spaces, commas — never matches a suffix.
 */
function acceptedHostName(hostHeader: string | undefined, publicHosts: readonly string[]): string | undefined {
  const name = hostHeader === undefined ? undefined : HOST_FIELD.exec(hostHeader.trim())?.[1]?.toLowerCase();
  if (name === undefined || !isValidHostName(name)) return undefined;
  return hostMatches(name, publicHosts) ? name : undefined;
}

/**
 * Reverse-proxy mode: every request path is a path under ORIGIN_URL's base path. A path that
 * would leave the base path (dot segments, encoded or not) answers 400; with PUBLIC_HOSTS, a
 * Host that is not listed answers 421 (RFC 9110 §15.5.20), and the accepted name is the only
 * X-Forwarded-Host the origin ever sees.
 */
export function createReverseResolver(
  originUrl: URL,
  options: { fields?: RequestFieldPolicy; publicHosts?: readonly string[] } = {},
): TargetResolver {
  const base = originUrl.href.replace(/\/$/, '');
  const basePath = originUrl.pathname.replace(/\/$/, '');
  const publicHosts = options.publicHosts ?? [];
  const targets = new TargetCache(options.fields ?? new RequestFieldPolicy());
  return (req) => {
    const raw = req.url ?? '';
    if (!raw.startsWith('/')) {
      throw new ProxyError('PROXY_ERR_INVALID_URL', 'Expected an origin-form request target (a path starting with /)');
    }
    let publicHost: string | undefined;
    if (publicHosts.length > 0) {
      publicHost = acceptedHostName(req.headers.host, publicHosts);
      if (publicHost === undefined) {
        throw new ProxyError('PROXY_ERR_MISDIRECTED_REQUEST', 'This proxy does not serve the requested Host; see PUBLIC_HOSTS');
      }
    }
    const resolved = targets.resolve(raw, () => {
      if (climbsAboveRoot(raw.split(/[?#]/, 1)[0]!)) {
        throw new ProxyError('PROXY_ERR_PATH_OUTSIDE_BASE', 'The request path climbs above the base path (dot segments)');
      }
      const url = parseTargetUrl(`${base}${raw}`);
      if (url.origin !== originUrl.origin) {
        throw new ProxyError('PROXY_ERR_INVALID_URL', 'The request path does not stay on the configured origin');
      }
      if (basePath !== '' && url.pathname !== basePath && !url.pathname.startsWith(`${basePath}/`)) {
        throw new ProxyError('PROXY_ERR_PATH_OUTSIDE_BASE', 'The request path does not stay under the base path of ORIGIN_URL');
      }
      return url;
    });
    alignForwardedHost(req.headers, publicHost);
    return publicHost === undefined ? resolved : { ...resolved, publicHost };
  };
}

/**
 * How a URL typed into the rules tester (`rules.test`) is resolved, as a request for it would
 * be. Forward modes: an absolute http(s) URL (parseTargetUrl), what follows `/http/` in a
 * transparent-mode path (`/http/example.com/a`), or a scheme-less target (`example.com/a`,
 * https assumed, as `/http/` does). Reverse-proxy mode: a path (starting with `/`) under
 * ORIGIN_URL, or an absolute URL on ORIGIN_URL's origin (its path and query are used), refused
 * like the reverse resolver refuses them. Throws ProxyError PROXY_ERR_INVALID_URL (or
 * PROXY_ERR_PATH_OUTSIDE_BASE) for a bad URL.
 */
export function targetUrlResolver(originUrl: URL | undefined): (text: string) => URL {
  if (originUrl === undefined) {
    return (text) => {
      if (text.startsWith(TRANSPARENT_PREFIX)) return parseTransparentTarget(text.slice(TRANSPARENT_PREFIX.length));
      if (text.startsWith('/')) {
        throw new ProxyError('PROXY_ERR_INVALID_URL', 'Expected a target URL (http://host/path), a /http/ path or host/path; a bare path only means something in reverse-proxy mode');
      }
      return ABSOLUTE_FORM.test(text) ? parseTargetUrl(text) : parseTransparentTarget(text);
    };
  }
  const reverse = createReverseResolver(originUrl);
  return (text) => {
    let path = text.startsWith('/') ? text : undefined;
    if (path === undefined && ABSOLUTE_FORM.test(text)) {
      const url = parseTargetUrl(text);
      if (url.origin === originUrl.origin) path = `${url.pathname}${url.search}`;
    }
    if (path === undefined) {
      throw new ProxyError(
        'PROXY_ERR_INVALID_URL',
        `Expected a path starting with / or a URL on ${originUrl.origin} (reverse-proxy mode: resolved against ORIGIN_URL), got ${JSON.stringify(text.slice(0, 100))}`,
      );
    }
    return reverse({ url: path, headers: {} })!.url;
  };
}
