// The bare node:http server of reference.mjs, but sending the header fields a memory hit of the
// proxy sends (the origin's, plus Age, Cache-Status, X-Cache, X-Cache-Key, Via, X-Request-Id),
// as one pre-built list: what header handling alone costs Node, without any cache work.
import { createServer } from 'node:http';

const body = Buffer.alloc(1024, 'k');
let requestId = 0;
const server = createServer((req, res) => {
  res.writeHead(200, [
    'content-type', 'application/octet-stream',
    'content-length', String(body.length),
    'cache-control', 'max-age=3600',
    'date', new Date().toUTCString(),
    'connection', 'keep-alive',
    'via', '1.1 caching-proxy',
    'age', '12',
    'cache-status', 'caching-proxy; hit; ttl=3588',
    'x-cache', 'HIT',
    'x-cache-key', `GET http://127.0.0.1:8080${req.url}`,
    'x-request-id', `bench-${++requestId}`,
  ]);
  res.end(body);
});
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
});
