import type { ServerResponse } from 'node:http';
import type { Responder } from './cache-engine.js';
import type { OriginResponse } from './origin-response.js';

/** Answers over HTTP: stored responses in one write, origin responses streamed. */
export class StreamResponder implements Responder {
  constructor(private readonly res: ServerResponse) {}

  sendStored(status: number, headers: string[], body: Buffer | undefined): void {
    this.res.writeHead(status, headers);
    this.res.end(body);
  }

  relay(origin: OriginResponse): Promise<void> {
    return origin.pipeTo(this.res);
  }
}
