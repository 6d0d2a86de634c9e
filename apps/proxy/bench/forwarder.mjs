// The pass-through reference: the leanest Node forwarder — node:http in front, undici's
// dispatch() behind writing straight to the ServerResponse, hop-by-hop fields (RFC 9110 §7.6.1)
// removed both ways, nothing else (no cache, no checks, no Via).
import { createServer } from 'node:http';
import { Agent } from 'undici';

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'host']);
const origin = process.argv[3];
const agent = new Agent();

const server = createServer((req, res) => {
  const raw = req.rawHeaders;
  const headers = [];
  for (let i = 0; i < raw.length; i += 2) {
    if (!HOP_BY_HOP.has(raw[i].toLowerCase())) headers.push(raw[i], raw[i + 1]);
  }
  agent.dispatch(
    { origin, path: req.url, method: req.method, headers },
    {
      onRequestStart(controller) {
        res.once('close', () => {
          if (!res.writableFinished) controller.abort(new Error('client gone'));
        });
      },
      onResponseStart(controller, statusCode, responseHeaders) {
        const out = [];
        for (const name in responseHeaders) {
          if (HOP_BY_HOP.has(name)) continue;
          const value = responseHeaders[name];
          if (Array.isArray(value)) for (const item of value) out.push(name, item);
          else out.push(name, value);
        }
        res.writeHead(statusCode, out);
      },
      onResponseData(controller, chunk) {
        if (!res.write(chunk)) {
          controller.pause();
          res.once('drain', () => controller.resume());
        }
      },
      onResponseEnd() {
        res.end();
      },
      onResponseError() {
        if (res.headersSent) res.destroy();
        else res.writeHead(502).end();
      },
    },
  );
});
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
});
