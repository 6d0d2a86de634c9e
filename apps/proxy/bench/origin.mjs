// Benchmark origin: fixed bodies from memory, a request counter per path.
import { createServer } from 'node:http';

const KiB = Buffer.alloc(1024, 'k');
const MiB = Buffer.alloc(1024 * 1024, 'm');
const counts = new Map();

const server = createServer((req, res) => {
  const path = (req.url ?? '/').split('?')[0];
  if (path === '/__counts') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(Object.fromEntries(counts)));
    return;
  }
  counts.set(req.url, (counts.get(req.url) ?? 0) + 1);
  const send = (body, cacheControl, delayMs = 0) => {
    const respond = () => {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length, 'cache-control': cacheControl });
      res.end(body);
    };
    if (delayMs > 0) setTimeout(respond, delayMs);
    else respond();
  };
  if (path.startsWith('/1k')) return send(KiB, 'max-age=3600');
  if (path.startsWith('/1m')) return send(MiB, 'max-age=3600');
  if (path.startsWith('/nostore')) return send(KiB, 'no-store');
  if (path.startsWith('/slow')) return send(KiB, 'max-age=3600', 50);
  if (path.startsWith('/fill/')) return send(Buffer.alloc(64 * 1024, 'f'), 'max-age=3600');
  res.writeHead(404).end();
});
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
});
