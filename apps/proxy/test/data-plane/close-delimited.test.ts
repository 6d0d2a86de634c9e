import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { send } from '../helpers/http.js';
import { startProxy, type TestProxy } from '../helpers/proxy.js';

/**
 * An origin whose body has no Content-Length and no chunked coding (delimited by the connection
 * closing) and which resets the connection after `partial`: undici ends such a body as if it were
 * complete, so the cache must not store it (RFC 9112 §6.3).
 */
describe('a close-delimited body is relayed, never stored', () => {
  let proxy: TestProxy | undefined;
  let origin: Server | undefined;

  afterEach(async () => {
    await proxy?.close();
    await new Promise<void>((resolve) => (origin ? origin.close(() => resolve()) : resolve()));
    proxy = undefined;
    origin = undefined;
  });

  it('regression: a body cut by a reset is not served as a HIT to the next client', async () => {
    let hits = 0;
    origin = createServer((socket: Socket) => {
      socket.once('data', () => {
        hits++;
        socket.write('HTTP/1.1 200 OK\r\ncache-control: max-age=600\r\ncontent-type: text/plain\r\nconnection: close\r\n\r\npartial');
        setImmediate(() => socket.resetAndDestroy());
      });
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => origin!.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(origin.address() as AddressInfo).port}`;
    proxy = await startProxy();
    const first = await send(proxy.dataUrl, proxy.via(url, '/cut')).catch(() => undefined);
    expect(first?.headers['cache-status'] ?? 'cut').not.toMatch(/; stored/);
    const second = await send(proxy.dataUrl, proxy.via(url, '/cut')).catch(() => undefined);
    expect(second?.headers['x-cache']).not.toBe('HIT');
    expect(hits).toBe(2);
  });
});
