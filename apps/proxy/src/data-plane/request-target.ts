import { BoundedMap } from '../bounded-map.js';
import { entryKeyFor } from '../cache/cache-key.js';
import { ProxyError } from '../errors.js';
import { parseTargetUrl, parseTransparentTarget } from './target.js';

/** The transparent-mode prefix: `/http/{target}`. */
export const TRANSPARENT_PREFIX = '/http/';

/** A request's target: its URL and the primary cache key of that URL. */
export interface ResolvedTarget {
  url: URL;
  key: string;
}

/**
 * Finds the target of a data-plane request from its raw URL (never Express's decoded params or
 * its mount-stripped `req.url`): undefined when the request is not for this front end, a
 * ProxyError when it is malformed.
 */
export type TargetResolver = (rawUrl: string) => ResolvedTarget | undefined;

/**
 * Recently resolved request targets by raw URL: a hot URL is parsed and hashed once, not on every
 * hit. Bounded, oldest dropped first; only valid targets are kept, and their URL objects are
 * never mutated after resolution.
 */
class TargetCache {
  private readonly targets: BoundedMap<string, ResolvedTarget>;

  constructor(
    capacity = 4096,
    private readonly maxRawLength = 2048,
  ) {
    this.targets = new BoundedMap(capacity);
  }

  resolve(raw: string, parse: () => URL): ResolvedTarget {
    const cached = this.targets.get(raw);
    if (cached) return cached;
    const url = parse();
    const resolved = { url, key: entryKeyFor(url) };
    if (raw.length <= this.maxRawLength) this.targets.set(raw, resolved);
    return resolved;
  }
}

const transparentTargets = new TargetCache();

/** `/http/{target}`: the target is everything after the prefix. */
export const resolveTransparentTarget: TargetResolver = (raw) => {
  if (!raw.startsWith(TRANSPARENT_PREFIX)) return undefined;
  return transparentTargets.resolve(raw, () => parseTransparentTarget(raw.slice(TRANSPARENT_PREFIX.length)));
};

const absoluteFormTargets = new TargetCache();

/** `http://` or `https://` at the start of a request target: the absolute form. */
const ABSOLUTE_FORM = /^https?:\/\//i;

/**
 * The forward modes' resolver: `/http/{target}`, and the absolute form (RFC 9112 §3.2.2,
 * `GET http://host/path HTTP/1.1`) that HTTP_PROXY-configured clients and `curl -x` send to a
 * forward proxy. An absolute-form target is the same URL, so it gets the same guard, the same key
 * and the same entry as `/http/http://host/path`; its `Host` header is ignored (§3.2.2) since the
 * proxy sets Host from the target anyway.
 */
export const resolveForwardTarget: TargetResolver = (raw) => {
  if (ABSOLUTE_FORM.test(raw)) return absoluteFormTargets.resolve(raw, () => parseTargetUrl(raw));
  return resolveTransparentTarget(raw);
};

/** Reverse-proxy mode: every request path is a path on the one origin (ORIGIN_URL). */
export function createReverseResolver(originUrl: URL): TargetResolver {
  const base = originUrl.href.replace(/\/$/, '');
  const targets = new TargetCache();
  return (raw) => {
    if (!raw.startsWith('/')) {
      throw new ProxyError('PROXY_ERR_INVALID_URL', 'Expected an origin-form request target (a path starting with /)');
    }
    return targets.resolve(raw, () => {
      const url = parseTargetUrl(`${base}${raw}`);
      if (url.origin !== originUrl.origin) {
        throw new ProxyError('PROXY_ERR_INVALID_URL', 'The request path does not stay on the configured origin');
      }
      return url;
    });
  };
}
