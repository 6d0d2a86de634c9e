import type { IncomingMessage } from 'node:http';
import { entryKeyFor } from '../cache/cache-key.js';
import { ProxyError } from '../errors.js';
import type { StoredResponse } from '../storage/types.js';
import { parseTargetUrl, parseTransparentTarget } from './target.js';

/** The transparent-mode prefix: `/http/{target}`. */
export const TRANSPARENT_PREFIX = '/http/';

/** A request's target, and what the lean hit listener already learned about it. */
export interface ResolvedTarget {
  url: URL;
  key: string;
  /** The stored variants the hit listener read (so the Express path does not read them again). */
  lookedUp?: { variants: readonly StoredResponse[] | undefined };
}

/**
 * Finds the target of a data-plane request from its raw URL (never Express's decoded params or
 * its mount-stripped `req.url`): undefined when the request is not for this front end, a
 * ProxyError when it is malformed.
 */
export type TargetResolver = (req: IncomingMessage, rawUrl: string) => ResolvedTarget | undefined;

const RESOLVED = Symbol('caching-proxy.resolved-target');

type WithResolved = IncomingMessage & { [RESOLVED]?: ResolvedTarget };

export function rememberTarget(req: IncomingMessage, resolved: ResolvedTarget): void {
  (req as WithResolved)[RESOLVED] = resolved;
}

function remembered(req: IncomingMessage): ResolvedTarget | undefined {
  return (req as WithResolved)[RESOLVED];
}

/**
 * Recently resolved request targets by raw URL: a hot URL is parsed and hashed once, not on every
 * hit. Bounded, oldest dropped first; only valid targets are kept, and their URL objects are
 * never mutated after resolution.
 */
class TargetCache {
  private readonly targets = new Map<string, { url: URL; key: string }>();

  constructor(
    private readonly capacity = 4096,
    private readonly maxRawLength = 2048,
  ) {}

  resolve(raw: string, parse: () => URL): { url: URL; key: string } {
    const cached = this.targets.get(raw);
    if (cached) return cached;
    const url = parse();
    const resolved = { url, key: entryKeyFor(url) };
    if (raw.length <= this.maxRawLength) {
      if (this.targets.size >= this.capacity) this.targets.delete(this.targets.keys().next().value!);
      this.targets.set(raw, resolved);
    }
    return resolved;
  }
}

const transparentTargets = new TargetCache();

/** `/http/{target}`: the target is everything after the prefix. */
export const resolveTransparentTarget: TargetResolver = (req, raw) => {
  const known = remembered(req);
  if (known) return known;
  if (!raw.startsWith(TRANSPARENT_PREFIX)) return undefined;
  const resolved = transparentTargets.resolve(raw, () => parseTransparentTarget(raw.slice(TRANSPARENT_PREFIX.length)));
  rememberTarget(req, resolved);
  return resolved;
};

/** Reverse-proxy mode: every request path is a path on the one origin (ORIGIN_URL). */
export function createReverseResolver(originUrl: URL): TargetResolver {
  const base = originUrl.href.replace(/\/$/, '');
  const targets = new TargetCache();
  return (req, raw) => {
    const known = remembered(req);
    if (known) return known;
    if (!raw.startsWith('/')) {
      throw new ProxyError('PROXY_ERR_INVALID_URL', 'Expected an origin-form request target (a path starting with /)');
    }
    const resolved = targets.resolve(raw, () => {
      const url = parseTargetUrl(`${base}${raw}`);
      if (url.origin !== originUrl.origin) {
        throw new ProxyError('PROXY_ERR_INVALID_URL', 'The request path does not stay on the configured origin');
      }
      return url;
    });
    rememberTarget(req, resolved);
    return resolved;
  };
}
