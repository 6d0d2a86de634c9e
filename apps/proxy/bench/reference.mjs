// The reference: a bare node:http server answering the same bytes from memory.
import { createServer } from 'node:http';

const bodies = { '/1k': Buffer.alloc(1024, 'k'), '/1m': Buffer.alloc(1024 * 1024, 'm') };
const server = createServer((req, res) => {
  const body = bodies[req.url] ?? bodies['/1k'];
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length, 'cache-control': 'max-age=3600' });
  res.end(body);
});
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
});
