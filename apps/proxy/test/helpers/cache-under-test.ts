import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ConfigInput } from '../../src/config.js';
import { send, type SendOptions, type TestResponse } from './http.js';
import { startOrigin, type TestOrigin } from './origin.js';
import { startProxy, type TestProxy } from './proxy.js';

/** The two ways of putting the cache in front of an origin. */
export type Mode = 'prefix' | 'reverse';
export const MODES: readonly Mode[] = ['prefix', 'reverse'];

export type ScriptedHandler = (req: IncomingMessage, res: ServerResponse, body: Buffer, count: number) => void | Promise<void>;

export interface CacheUnderTest {
  mode: Mode;
  origin: TestOrigin;
  proxy: TestProxy;
  /** Sends a request for an origin path through the cache, in this mode. */
  fetch(path: string, options?: SendOptions): Promise<TestResponse>;
  /** Requests the origin received for a path (pathname + search). */
  originHits(path: string): number;
  /** Moves the proxy's clock forward. */
  advance(seconds: number): void;
  /** Current proxy time as an HTTP-date, for Date/Last-Modified/Expires headers. */
  httpDate(offsetSeconds?: number): string;
  close(): Promise<void>;
}

/**
 * A real origin whose handler is the test's script (`count` is how many requests that path has
 * had, from 1), and the real proxy in front of it in the given mode. The proxy's clock starts
 * at a fixed time and only moves with `advance`, so origins should send Date headers from
 * `httpDate()` when the test depends on the apparent age.
 */
export async function startCacheUnderTest(mode: Mode, handler: ScriptedHandler, config: ConfigInput = {}): Promise<CacheUnderTest> {
  const counts = new Map<string, number>();
  const origin = await startOrigin((req, res, body) => {
    const path = req.url ?? '/';
    const count = (counts.get(path) ?? 0) + 1;
    counts.set(path, count);
    return handler(req, res, body, count);
  });
  const proxy = await startProxy(mode === 'reverse' ? { ...config, ORIGIN_URL: origin.url } : config);
  return {
    mode,
    origin,
    proxy,
    fetch: (path, options) => send(proxy.dataUrl, mode === 'reverse' ? path : `/http/${origin.url}${path}`, options),
    originHits: (path) => origin.hits(path),
    advance: (seconds) => proxy.clock.advance(seconds * 1000),
    httpDate: (offsetSeconds = 0) => new Date(proxy.clock.now() + offsetSeconds * 1000).toUTCString(),
    close: async () => {
      await proxy.close();
      await origin.close();
    },
  };
}
