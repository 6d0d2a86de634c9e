import type { ServerResponse } from 'node:http';
import type { OriginResponse } from './origin-response.js';

/** How a front end emits responses: streamed over HTTP, or wrapped in the JSON envelope. */
export interface Responder {
  /** A response made from storage; `body` undefined means none (HEAD, 304). */
  sendStored(status: number, headers: string[], body: Buffer | undefined): void;
  /** Relays an origin response. */
  relay(origin: OriginResponse): Promise<void>;
}

/** Whether a flat header list already has a field (names are lowercase in our lists). */
function hasField(headers: readonly string[], name: string): boolean {
  for (let i = 0; i < headers.length; i += 2) if (headers[i] === name) return true;
  return false;
}

/**
 * Answers over HTTP: stored responses in one write, origin responses streamed. Our X-Request-Id
 * goes out unless the origin's response carries its own (origin fields pass unchanged).
 */
export class StreamResponder implements Responder {
  constructor(
    private readonly res: ServerResponse,
    private readonly requestId: string,
  ) {}

  sendStored(status: number, headers: string[], body: Buffer | undefined): void {
    if (!hasField(headers, 'x-request-id')) headers.push('x-request-id', this.requestId);
    this.res.writeHead(status, headers);
    this.res.end(body);
  }

  relay(origin: OriginResponse): Promise<void> {
    return origin.pipeTo(this.res, hasField(origin.headers, 'x-request-id') ? [] : ['x-request-id', this.requestId]);
  }
}
