import { once } from 'node:events';
import { createServer as createHttpServer } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { send } from '../helpers/http.js';
import { startOrigin, type TestOrigin } from '../helpers/origin.js';
import { startProxy, type TestProxy } from '../helpers/proxy.js';

/** What came back on a raw connection: the status line's code, the head, the body, and whether the proxy closed it. */
interface RawAnswer {
  status: number;
  head: string;
  body: string;
  closed: boolean;
}

/** Sends exact bytes on a fresh connection and reads until the proxy closes it or `settleMs` of silence after a full answer. */
async function exchange(baseUrl: string, bytes: string | Buffer, options: { keepOpen?: boolean } = {}): Promise<RawAnswer> {
  const { port } = new URL(baseUrl);
  const socket = connect(Number(port), '127.0.0.1');
  await once(socket, 'connect');
  socket.write(bytes);
  return readAnswer(socket, options.keepOpen === true);
}

/** Reads one response; resolves when it is complete (by Content-Length) or the socket closes. */
function readAnswer(socket: Socket, keepOpen: boolean): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    let received = Buffer.alloc(0);
    let closed = false;
    const finish = () => {
      const text = received.toString('latin1');
      const split = text.indexOf('\r\n\r\n');
      const head = split === -1 ? text : text.slice(0, split);
      const body = split === -1 ? '' : text.slice(split + 4);
      if (!keepOpen || closed) socket.destroy();
      resolve({ status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 0), head, body, closed });
    };
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const text = received.toString('latin1');
      const split = text.indexOf('\r\n\r\n');
      if (split === -1) return;
      const length = /\r\ncontent-length: *(\d+)/i.exec(text.slice(0, split))?.[1];
      if (length !== undefined && received.length >= split + 4 + Number(length) && keepOpen) finish();
    });
    socket.on('end', () => {
      closed = true;
      finish();
    });
    socket.on('close', () => {
      closed = true;
      finish();
    });
    socket.on('error', reject);
  });
}

function errorCode(answer: RawAnswer): string | undefined {
  try {
    return (JSON.parse(answer.body) as { error: { code: string } }).error.code;
  } catch {
    return undefined;
  }
}

describe('request admission on the data port (RFC 9112 framing, limits)', () => {
  let proxy: TestProxy;
  let origin: TestOrigin;
  let target: string;

  beforeAll(async () => {
    origin = await startOrigin((_req, res) => {
      res.writeHead(200, { 'cache-control': 'no-store', 'content-type': 'text/plain' });
      res.end('origin says hi');
    });
    proxy = await startProxy({ MAX_URL_BYTES: '1KiB', MAX_REQUEST_HEADERS: '20', CLIENT_HEADER_TIMEOUT_MS: '150', CLIENT_BODY_TIMEOUT_MS: '100' });
    target = proxy.via(origin.url, '/hello');
  });

  afterAll(async () => {
    await proxy.close();
    await origin.close();
  });

  /** After every refusal the proxy still answers a normal request. */
  async function expectHealthy(): Promise<void> {
    const response = await send(proxy.dataUrl, target);
    expect(response.status).toBe(200);
    expect(response.text).toBe('origin says hi');
  }

  it('refuses a request with two Host fields with 400 (RFC 9112 §3.2) and closes the connection', async () => {
    const answer = await exchange(proxy.dataUrl, `GET ${target} HTTP/1.1\r\nHost: a.example\r\nHost: b.example\r\n\r\n`);
    expect(answer.status).toBe(400);
    expect(errorCode(answer)).toBe('PROXY_ERR_MALFORMED_REQUEST');
    expect(answer.head).toMatch(/\r\nconnection: close/i);
    expect(answer.closed).toBe(true);
    await expectHealthy();
  });

  it('survives a client that half-closes after an early answer to a body it never finished (regression: process crash)', async () => {
    for (const body of ['Content-Length: 100\r\n\r\nab', 'Transfer-Encoding: chunked\r\n\r\n5\r\nab']) {
      const socket = connect(Number(new URL(proxy.dataUrl).port), '127.0.0.1');
      await once(socket, 'connect');
      socket.write(`POST /nope HTTP/1.1\r\nHost: x\r\n${body}`);
      const answered = new Promise<string>((resolve) => socket.once('data', (chunk: Buffer) => resolve(chunk.toString('latin1'))));
      expect(await answered).toMatch(/^HTTP\/1\.1 404/);
      // The answer is complete (no response in flight): the half-close reaches clientError.
      socket.end();
      await once(socket, 'close');
      await expectHealthy();
    }
  });

  it('refuses an HTTP/1.1 request without Host with 400 JSON (RFC 9112 §3.2), and accepts HTTP/1.0 without one', async () => {
    const answer = await exchange(proxy.dataUrl, `GET ${target} HTTP/1.1\r\n\r\n`);
    expect(answer.status).toBe(400);
    expect(errorCode(answer)).toBe('PROXY_ERR_MALFORMED_REQUEST');
    const old = await exchange(proxy.dataUrl, `GET ${target} HTTP/1.0\r\n\r\n`);
    expect(old.status).toBe(200);
    await expectHealthy();
  });

  it('answers GET * with 400, never a 500 (regression)', async () => {
    const answer = await exchange(proxy.dataUrl, 'GET * HTTP/1.1\r\nHost: proxy\r\n\r\n');
    expect(answer.status).toBe(400);
    expect(errorCode(answer)).toBe('PROXY_ERR_MALFORMED_REQUEST');
    await expectHealthy();
  });

  it('answers OPTIONS * with 200 and the Allow list', async () => {
    const answer = await exchange(proxy.dataUrl, 'OPTIONS * HTTP/1.1\r\nHost: proxy\r\n\r\n', { keepOpen: true });
    expect(answer.status).toBe(200);
    expect(answer.head).toMatch(/\r\nallow: GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS/i);
    await expectHealthy();
  });

  it.each([
    ['HTTP/2.0 request line', `GET ${'/'} HTTP/2.0\r\nHost: proxy\r\n\r\n`],
    ['HTTP/1.2 request line', `GET / HTTP/1.2\r\nHost: proxy\r\n\r\n`],
    ['HTTP/0.9-style request line', `GET / HTTP/0.9\r\nHost: proxy\r\n\r\n`],
    ['HTTP/2 connection preface', 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'],
  ])('refuses an %s with 505 or 400, as JSON', async (_name, bytes) => {
    const answer = await exchange(proxy.dataUrl, bytes);
    expect([400, 505]).toContain(answer.status);
    expect(errorCode(answer)).toMatch(/^PROXY_ERR_(HTTP_VERSION|MALFORMED_REQUEST)$/);
    // Even an answer to bytes Node could not parse names its request (header and body agree).
    const requestId = /\r\nx-request-id: ([^\r]+)/i.exec(answer.head)?.[1];
    expect(requestId).toBeDefined();
    expect((JSON.parse(answer.body) as { error: { request_id: string } }).error.request_id).toBe(requestId);
    await expectHealthy();
  });

  it.each(['Content-Length', 'Host', 'Transfer-Encoding', 'close, content-length'])(
    'refuses Connection naming the framing field %j with 400 (stripping it would desync)',
    async (named) => {
      const answer = await exchange(
        proxy.dataUrl,
        `POST ${target} HTTP/1.1\r\nHost: proxy\r\nConnection: ${named}\r\nContent-Length: 5\r\n\r\nhello`,
      );
      expect(answer.status).toBe(400);
      expect(errorCode(answer)).toBe('PROXY_ERR_MALFORMED_REQUEST');
      expect(origin.requests.filter((r) => r.method === 'POST')).toHaveLength(0);
      await expectHealthy();
    },
  );

  it('refuses more header lines than MAX_REQUEST_HEADERS with 431, never dropping them silently', async () => {
    const lines = Array.from({ length: 21 }, (_, i) => `X-Filler-${i}: ${i}\r\n`).join('');
    const answer = await exchange(proxy.dataUrl, `GET ${target} HTTP/1.1\r\nHost: proxy\r\n${lines}\r\n`);
    expect(answer.status).toBe(431);
    expect(errorCode(answer)).toBe('PROXY_ERR_HEADERS_TOO_LARGE');
    const atLimit = Array.from({ length: 18 }, (_, i) => `X-Filler-${i}: ${i}\r\n`).join('');
    const accepted = await exchange(proxy.dataUrl, `GET ${target} HTTP/1.1\r\nHost: proxy\r\n${atLimit}Connection: close\r\n\r\n`);
    expect(accepted.status).toBe(200);
  });

  it('refuses a request target longer than MAX_URL_BYTES with 414', async () => {
    const long = `${target}?q=${'a'.repeat(1100)}`;
    const answer = await exchange(proxy.dataUrl, `GET ${long} HTTP/1.1\r\nHost: proxy\r\n\r\n`);
    expect(answer.status).toBe(414);
    expect(errorCode(answer)).toBe('PROXY_ERR_URL_TOO_LONG');
    await expectHealthy();
  });

  it('refuses a 100 KB request target with 414 too (past Node’s header buffer)', async () => {
    const answer = await exchange(proxy.dataUrl, `GET ${target}?q=${'a'.repeat(100_000)} HTTP/1.1\r\nHost: proxy\r\n\r\n`);
    expect(answer.status).toBe(414);
    expect(errorCode(answer)).toBe('PROXY_ERR_URL_TOO_LONG');
    await expectHealthy();
  });

  it('answers 408 and closes the connection when the request head does not complete within CLIENT_HEADER_TIMEOUT_MS (slowloris)', async () => {
    const { port } = new URL(proxy.dataUrl);
    const socket = connect(Number(port), '127.0.0.1');
    await once(socket, 'connect');
    socket.write(`GET ${target} HTTP/1.1\r\nHost: proxy\r\n`);
    // One header line every 20 ms, forever: only the head timeout can end this.
    let line = 0;
    const drip = setInterval(() => {
      if (!socket.destroyed) socket.write(`X-Drip-${line++}: x\r\n`);
    }, 20);
    const started = performance.now();
    const answer = await readAnswer(socket, false).finally(() => clearInterval(drip));
    expect(answer.status).toBe(408);
    expect(errorCode(answer)).toBe('PROXY_ERR_REQUEST_TIMEOUT');
    expect(answer.closed).toBe(true);
    expect(performance.now() - started).toBeLessThan(150 + 1_000);
    await expectHealthy();
  });

  it('answers 408 and closes the connection when the request body stalls for CLIENT_BODY_TIMEOUT_MS', async () => {
    // An origin that reads the upload and notes when it ends before its declared length.
    let uploadsCutShort = 0;
    const uploadOrigin = createHttpServer((req) => {
      req.on('close', () => {
        if (!req.complete) uploadsCutShort++;
      });
      req.resume();
    });
    uploadOrigin.listen(0, '127.0.0.1');
    await once(uploadOrigin, 'listening');
    const uploadUrl = `http://127.0.0.1:${(uploadOrigin.address() as AddressInfo).port}`;
    const { port } = new URL(proxy.dataUrl);
    const socket = connect(Number(port), '127.0.0.1');
    await once(socket, 'connect');
    socket.write(`POST ${proxy.via(uploadUrl, '/upload')} HTTP/1.1\r\nHost: proxy\r\nContent-Length: 1000\r\n\r\nfirst bytes`);
    const answer = await readAnswer(socket, false);
    expect(answer.status).toBe(408);
    expect(errorCode(answer)).toBe('PROXY_ERR_REQUEST_TIMEOUT');
    expect(answer.closed).toBe(true);
    // The origin request the body streamed into was aborted too: the origin saw its request end early.
    await vi.waitFor(() => expect(uploadsCutShort).toBe(1));
    uploadOrigin.closeAllConnections();
    uploadOrigin.close();
    await expectHealthy();
  });

  it('answers Expect: 100-continue on POST /proxy with a length over MAX_ENVELOPE_BYTES with 413 before the body is sent', async () => {
    const answer = await exchange(
      proxy.dataUrl,
      'POST /proxy HTTP/1.1\r\nHost: proxy\r\nContent-Type: application/json\r\nContent-Length: 999999999\r\nExpect: 100-continue\r\n\r\n',
    );
    expect(answer.status).toBe(413);
    expect(errorCode(answer)).toBe('PROXY_ERR_PAYLOAD_TOO_LARGE');
    expect(answer.head).not.toMatch(/100 Continue/);
    await expectHealthy();
  });

  it('answers an Expect other than 100-continue with 417 JSON', async () => {
    const answer = await exchange(proxy.dataUrl, `GET ${target} HTTP/1.1\r\nHost: proxy\r\nExpect: 200-ok\r\n\r\n`);
    expect(answer.status).toBe(417);
    expect(errorCode(answer)).toBe('PROXY_ERR_EXPECTATION_FAILED');
    await expectHealthy();
  });

  it('answers 408 on the admin listener too when the request head does not complete in time', async () => {
    const { port } = new URL(proxy.adminUrl);
    const socket = connect(Number(port), '127.0.0.1');
    await once(socket, 'connect');
    socket.write('GET /stats HTTP/1.1\r\nHost: localhost\r\n');
    const answer = await readAnswer(socket, false);
    expect(answer.status).toBe(408);
    expect(errorCode(answer)).toBe('PROXY_ERR_REQUEST_TIMEOUT');
    expect((await send(proxy.adminUrl, '/stats')).status).toBe(200);
  });

  it('sends 100 Continue for an acceptable envelope and then answers it', async () => {
    const body = JSON.stringify({ url: `${origin.url}/hello` });
    const { port } = new URL(proxy.dataUrl);
    const socket = connect(Number(port), '127.0.0.1');
    await once(socket, 'connect');
    socket.write(
      `POST /proxy HTTP/1.1\r\nHost: proxy\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n`,
    );
    const [interim] = (await once(socket, 'data')) as [Buffer];
    expect(interim.toString('latin1')).toMatch(/^HTTP\/1\.1 100 Continue/);
    socket.write(body);
    const answer = await readAnswer(socket, false);
    expect(answer.status).toBe(200);
    expect(answer.body).toContain('origin says hi');
  });
});
