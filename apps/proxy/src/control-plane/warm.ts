import type { TryRequestResult, WarmResult, WarmStatus } from '@caching-proxy/shared';

/** Outcomes that mean the response is in the cache after the request. */
function isStored(result: TryRequestResult): boolean {
  if (result.error !== null) return false;
  if (result.x_cache === 'HIT' || result.x_cache === 'REVALIDATED') return true;
  return /(^|;)\s*stored\s*(;|$)/.test(result.cache_status?.split(',').pop() ?? '');
}

/**
 * Cache warming: GETs every URL through our own data port (so the SSRF guard, the caching rules
 * and coalescing all apply), `concurrency` at a time, and reports each outcome in input order.
 * Each URL is sorted once by `describeWarmOutcome`: the API's counts and the startup log agree.
 */
export async function warmUrls(
  urls: readonly string[],
  concurrency: number,
  tryRequest: (url: string, method: 'GET' | 'HEAD') => Promise<TryRequestResult>,
  onResult?: (url: string, result: TryRequestResult, outcome: WarmOutcome) => void,
): Promise<WarmResult> {
  const results: WarmResult['results'] = [];
  let next = 0;
  const worker = async () => {
    while (next < urls.length) {
      const index = next++;
      const url = urls[index]!;
      const result = await tryRequest(url, 'GET');
      const outcome = describeWarmOutcome(result);
      onResult?.(url, result, outcome);
      results[index] = {
        url,
        status_code: result.status_code,
        x_cache: result.x_cache,
        stored: outcome.status === 'stored',
        status: outcome.status,
        reason: outcome.reason,
        error: result.error,
      };
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, urls.length) }, worker));
  const count = (status: WarmStatus) => results.filter((r) => r.status === status).length;
  return { warmed: count('stored'), not_storable: count('not_storable'), failed: count('failed'), results };
}

/** The URLs of a WARM_URLS_FILE: one per line; blank lines and `#` comments ignored. */
export function parseWarmFile(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

/** How warming one URL went: for `cache.warm`'s answer and the startup log alike. */
export interface WarmOutcome {
  status: WarmStatus;
  /** Why it is not stored: the proxy error, the origin's status, or Cache-Status `detail`. */
  reason: string | null;
}

/** The `detail` of our own (last) Cache-Status member (RFC 9211 §2.8), e.g. `no-store`. */
function cacheStatusDetail(cacheStatus: string | null): string | undefined {
  const own = cacheStatus?.split(',').pop() ?? '';
  return /;\s*detail=("?)([^;"]*)\1/.exec(own)?.[2];
}

/**
 * Sorts one warming result: stored; fetched but not storable (a 200 with `no-store`, say — the
 * origin's choice, not a failure); or failed (a proxy error, or an origin error status).
 */
export function describeWarmOutcome(result: TryRequestResult): WarmOutcome {
  if (result.error !== null) return { status: 'failed', reason: `${result.error.code}: ${result.error.message}` };
  if (isStored(result)) return { status: 'stored', reason: null };
  const detail = cacheStatusDetail(result.cache_status);
  if (result.status_code >= 400) {
    return { status: 'failed', reason: `the origin answered ${result.status_code}${detail ? ` (${detail})` : ''}` };
  }
  return {
    status: 'not_storable',
    reason: detail ?? `status ${result.status_code}, X-Cache ${result.x_cache ?? 'none'}: the response was not stored`,
  };
}
