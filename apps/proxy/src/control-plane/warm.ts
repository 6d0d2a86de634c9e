import type { TryRequestResult, WarmResult } from '@caching-proxy/shared';

/** Outcomes that mean the response is in the cache after the request. */
function isStored(result: TryRequestResult): boolean {
  if (result.error !== null) return false;
  if (result.x_cache === 'HIT' || result.x_cache === 'REVALIDATED') return true;
  return /(^|;)\s*stored\s*(;|$)/.test(result.cache_status?.split(',').pop() ?? '');
}

/**
 * Cache warming: GETs every URL through our own data port (so the SSRF guard, the caching rules
 * and coalescing all apply), `concurrency` at a time, and reports each outcome in input order.
 */
export async function warmUrls(
  urls: readonly string[],
  concurrency: number,
  tryRequest: (url: string, method: 'GET' | 'HEAD') => Promise<TryRequestResult>,
): Promise<WarmResult> {
  const results: WarmResult['results'] = [];
  let next = 0;
  const worker = async () => {
    while (next < urls.length) {
      const index = next++;
      const url = urls[index]!;
      const result = await tryRequest(url, 'GET');
      results[index] = {
        url,
        status_code: result.status_code,
        x_cache: result.x_cache,
        stored: isStored(result),
        error: result.error,
      };
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, urls.length) }, worker));
  const warmed = results.filter((r) => r.stored).length;
  return { warmed, failed: results.length - warmed, results };
}

/** The URLs of a WARM_URLS_FILE: one per line; blank lines and `#` comments ignored. */
export function parseWarmFile(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}
