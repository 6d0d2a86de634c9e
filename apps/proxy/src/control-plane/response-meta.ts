import type { TRPCError } from '@trpc/server';

/**
 * Headers on every control-plane answer: admin data is never cached, and a 401 says how to
 * authenticate (RFC 9110 §11.6.1).
 */
export function responseMeta(opts: { errors: readonly TRPCError[] }): { headers: Record<string, string> } {
  const headers: Record<string, string> = { 'cache-control': 'no-store' };
  if (opts.errors.some((e) => e.code === 'UNAUTHORIZED')) headers['www-authenticate'] = 'Bearer realm="caching-proxy"';
  return { headers };
}
