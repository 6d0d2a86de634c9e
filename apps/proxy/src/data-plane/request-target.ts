import type { IncomingMessage } from 'node:http';
import { entryKeyFor } from '../cache/cache-key.js';
import type { ForwardReason } from '../cache/cache-status.js';
import { parseTransparentTarget } from './target.js';

/** The transparent-mode prefix: `/http/{target}`. */
export const TRANSPARENT_PREFIX = '/http/';

/** What the lean hit listener learned about a request, so the Express path does not redo it. */
export interface ResolvedTarget {
  url: URL;
  key: string;
  /** Why the hit listener could not answer (a lookup already happened). */
  fwd?: ForwardReason;
}

const RESOLVED = Symbol('caching-proxy.resolved-target');

type WithResolved = IncomingMessage & { [RESOLVED]?: ResolvedTarget };

export function rememberTarget(req: IncomingMessage, resolved: ResolvedTarget): void {
  (req as WithResolved)[RESOLVED] = resolved;
}

/** Parses the `/http/{target}` request's target from the raw URL (never Express's decoded params). */
export function resolveTransparentTarget(req: IncomingMessage, rawUrl: string): ResolvedTarget {
  const known = (req as WithResolved)[RESOLVED];
  if (known) return known;
  const url = parseTransparentTarget(rawUrl.slice(TRANSPARENT_PREFIX.length));
  const resolved = { url, key: entryKeyFor(url) };
  rememberTarget(req, resolved);
  return resolved;
}
