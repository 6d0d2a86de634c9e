import { createServer, request, type ClientRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { FillBudget } from '../../src/data-plane/fill-budget.js';
import { OriginResponse } from '../../src/data-plane/origin-response.js';
import { createSilentLogger } from '../../src/logger.js';
import { Stats } from '../../src/stats/stats.js';
import { OriginBody, type BodyFlowControl } from '../../src/upstream/origin-body.js';

const CHUNK = Buffer.alloc(256 * 1024, 'x');

/** The dispatch controller's side, recorded. */
function recordingControl(): BodyFlowControl & { calls: string[] } {
  const calls: string[] = [];
  return { calls, pause: () => calls.push('pause'), resume: () => calls.push('resume'), abort: (reason) => calls.push(`abort: ${reason.message}`) };
}

describe('fills and slow clients: the fill budget (FILL_BUFFER_BYTES)', () => {
  let server: Server | undefined;
  let client: ClientRequest | undefined;

  afterEach(async () => {
    client?.destroy();
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  });

  /** A real server whose one response relays `body` (storable: a sink is attached) to a client that never reads. */
  async function relayToStalledClient(options: { budget?: FillBudget }) {
    const control = recordingControl();
    const body = new OriginBody(control);
    let relayed: Promise<void> | undefined;
    const responding = new Promise<ServerResponse>((resolve) => {
      server = createServer((_req: IncomingMessage, res: ServerResponse) => {
        const origin = new OriginResponse({
          status: 200,
          headers: ['content-type', 'application/octet-stream'],
          body,
          target: new URL('http://origin.test/big'),
          stats: new Stats(() => Date.now()),
          logger: createSilentLogger(),
          sink: { maxObjectBytes: 64 * 1024 * 1024, commit: () => undefined },
          onSettled: () => undefined,
          fillBudget: options.budget,
        });
        relayed = origin.pipeTo(res);
        resolve(res);
      });
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const { port } = server!.address() as AddressInfo;
    client = request({ host: '127.0.0.1', port, path: '/big' }, (res) => {
      res.pause(); // never reads the body
      res.socket.pause();
    });
    client.on('error', () => undefined);
    client.end();
    const res = await responding;
    return { body, control, res, relayed: () => relayed! };
  }

  it('reads ahead for a slow client only while all fills together hold less than the budget, then follows the client', async () => {
    const budget = new FillBudget(1024 * 1024);
    const { body, control, res } = await relayToStalledClient({ budget });
    // Push until the relay pauses the origin; a client that reads nothing cannot drain it.
    for (let i = 0; i < 256 && !control.calls.includes('pause'); i++) body.push(CHUNK);
    expect(control.calls).toContain('pause');
    expect(budget.held).toBeGreaterThan(1024 * 1024);
    expect(budget.held).toBeLessThanOrEqual(1024 * 1024 + CHUNK.length);
    expect(res.writableLength).toBe(budget.held);
  });

  it('while the budget is not reached, a storable fill reads on at the origin pace (nothing paused)', async () => {
    const budget = new FillBudget(64 * 1024 * 1024);
    const { body, control } = await relayToStalledClient({ budget });
    for (let i = 0; i < 32; i++) body.push(CHUNK);
    expect(control.calls).not.toContain('pause');
  });

  it('gives every byte back to the budget when the client goes away, so later fills read ahead again', async () => {
    const budget = new FillBudget(64 * 1024 * 1024);
    const { body, relayed } = await relayToStalledClient({ budget });
    for (let i = 0; i < 32; i++) body.push(CHUNK);
    expect(budget.held).toBeGreaterThan(0);
    client!.destroy();
    await relayed();
    expect(budget.held).toBe(0);
  });
});
