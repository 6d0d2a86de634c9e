// The pass-through reference: a bare undici forwarder (no cache, no checks) streaming both ways.
import { createServer } from 'node:http';
import { pipeline } from 'node:stream';
import { Agent } from 'undici';

const origin = process.argv[3];
const agent = new Agent();
const server = createServer(async (req, res) => {
  try {
    const upstream = await agent.request({ origin, path: req.url, method: req.method, headers: { accept: '*/*' } });
    res.writeHead(upstream.statusCode, upstream.headers);
    pipeline(upstream.body, res, () => undefined);
  } catch {
    res.writeHead(502).end();
  }
});
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
});
