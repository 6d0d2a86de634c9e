import { request as httpRequest, type IncomingMessage } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { send } from '../helpers/http.js';
import { startOrigin, type TestOrigin } from '../helpers/origin.js';
import { startProxy, type TestProxy } from '../helpers/proxy.js';

const MiB = 1024 * 1024;
/** Far more than the loopback socket buffers hold, so a client that does not read holds it back. */
const BODY = Buffer.alloc(24 * MiB, 'b');

/** Opens a request and resolves with its response paused: the client reads nothing until resumed. */
function openPaused(url: string, path: string): Promise<IncomingMessage> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: hostname, port, path, agent: false }, (res) => {
      res.pause();
      resolve(res);
    });
    req.on('error', reject);
    req.end();
  });
}

function readToEnd(res: IncomingMessage): Promise<number> {
  return new Promise((resolve, reject) => {
    let bytes = 0;
    res.on('data', (chunk: Buffer) => (bytes += chunk.length));
    res.once('end', () => resolve(bytes));
    res.once('error', reject);
    res.resume();
  });
}

describe('fills are not paced by the slowest client', () => {
  let proxy: TestProxy | undefined;
  let origin: TestOrigin | undefined;

  afterEach(async () => {
    await proxy?.close();
    await origin?.close();
    proxy = undefined;
    origin = undefined;
  });

  it('answers a second request from storage while the first client is still reading the miss', async () => {
    proxy = await startProxy({ MAX_OBJECT_BYTES: '32MiB', MAX_CACHE_BYTES: '64MiB' });
    origin = await startOrigin((_req, res) => {
      res.writeHead(200, { 'cache-control': 'max-age=60', 'content-type': 'application/octet-stream' });
      res.end(BODY);
    });
    const path = proxy.via(origin.url, '/large');
    const slow = await openPaused(proxy.dataUrl, path);
    let slowEnded = false;
    slow.once('end', () => (slowEnded = true));
    expect(slow.headers['x-cache']).toBe('MISS');

    // The fill goes on at the origin's pace: the second client is answered from storage (as a
    // coalesced waiter released when the body is stored, or as a plain hit) while the first
    // client has not read the body.
    const second = await send(proxy.dataUrl, path);
    expect(second.headers['x-cache']).toBe('HIT');
    expect(second.body.length).toBe(BODY.length);
    expect(origin.hits('/large')).toBe(1);
    expect(slowEnded).toBe(false);

    // The slow client still gets the whole body.
    expect(await readToEnd(slow)).toBe(BODY.length);
  });
});
