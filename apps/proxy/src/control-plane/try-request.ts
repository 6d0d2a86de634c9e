import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { TryRequestResult } from '@caching-proxy/shared';
import type { Dispatcher } from 'undici';

function errorResult(code: string, message: string): TryRequestResult {
  return {
    status_code: 0,
    x_cache: null,
    cache_status: null,
    age: null,
    cache_key: null,
    duration_ms: 0,
    body_bytes: 0,
    error: { code, message },
  };
}

function notAUrl(text: string): string {
  return `${JSON.stringify(text)} is not a URL: expected an absolute http(s) URL such as https://example.com/page`;
}

/**
 * Whether a "try" or warming URL can be put after `/http/` at all (no spaces or control characters,
 * parses as a URL, https assumed without a scheme); the data port judges the rest (schemes,
 * credentials, the SSRF guard) as it does for any client.
 */
function looksLikeUrl(text: string): boolean {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  if (text === '' || /[\u0000-\u0020\u007f]/.test(text)) return false;
  try {
    const url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`);
    return url.hostname !== '';
  } catch {
    return false;
  }
}

function single(value: string | string[] | undefined): string | null {
  return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
}

/**
 * Sends a GET/HEAD to our own data port, exactly as a client would, and reports status, cache
 * headers and timing. A proxy error answer (4xx/5xx JSON with a code) is reported as `error`.
 */
export async function tryThroughDataPort(options: {
  dataServer: Server | undefined;
  agent: Dispatcher;
  originUrl: URL | undefined;
  url: string;
  method: 'GET' | 'HEAD';
}): Promise<TryRequestResult> {
  const address = options.dataServer?.address() as AddressInfo | null | undefined;
  if (!address) return errorResult('PROXY_ERR_INTERNAL', 'The data port is not listening');
  let path: string;
  if (options.originUrl) {
    let target: URL;
    try {
      target = new URL(options.url);
    } catch {
      return errorResult('PROXY_ERR_INVALID_URL', notAUrl(options.url));
    }
    if (target.origin !== options.originUrl.origin) {
      return errorResult('PROXY_ERR_INVALID_URL', `In reverse-proxy mode only URLs on ${options.originUrl.origin} are proxied`);
    }
    path = `${target.pathname}${target.search}`;
  } else {
    if (!looksLikeUrl(options.url)) return errorResult('PROXY_ERR_INVALID_URL', notAUrl(options.url));
    path = `/http/${options.url}`;
  }
  const host = address.address === '0.0.0.0' || address.address === '::' ? '127.0.0.1' : address.address;
  const origin = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
  const started = performance.now();
  try {
    const response = await options.agent.request({ origin, path, method: options.method });
    const body = Buffer.from(await response.body.arrayBuffer());
    const duration = Math.round((performance.now() - started) * 100) / 100;
    let error: TryRequestResult['error'] = null;
    if (response.statusCode >= 400 && String(response.headers['content-type'] ?? '').includes('json')) {
      try {
        const parsed = JSON.parse(body.toString('utf8')) as { error?: { code?: unknown; message?: unknown } };
        if (typeof parsed.error?.code === 'string') {
          const message = parsed.error.message;
          error = { code: parsed.error.code, message: typeof message === 'string' ? message : '' };
        }
      } catch {
        // an origin's own JSON error body: not ours to report
      }
    }
    return {
      status_code: response.statusCode,
      x_cache: single(response.headers['x-cache']),
      cache_status: single(response.headers['cache-status']),
      age: single(response.headers.age),
      cache_key: single(response.headers['x-cache-key']),
      duration_ms: duration,
      body_bytes: body.length,
      error,
    };
  } catch (cause) {
    return errorResult('PROXY_ERR_INVALID_URL', `The request could not be sent: ${(cause as Error).message}`);
  }
}
