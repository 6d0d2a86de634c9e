/**
 * `node --import tsx bench/redis-reads.ts [--port=<redis port>] [--seconds=5]`: how fast one
 * process reads a 1 MiB stored response (one hash, meta + body fields, as the Redis store keeps
 * it) with HGETALL over one ioredis connection against a small pool of connections, 50 reads in
 * flight. Prints reads/s and reads per CPU-second of this process. Used to choose the read path
 * of storage/redis (see the README's Performance section).
 */
import { Redis } from 'ioredis';

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const port = Number(args.get('port') ?? 6379);
const seconds = Number(args.get('seconds') ?? 5);
const IN_FLIGHT = 50;
const key = `bench-redis-reads:${process.pid}`;

async function measure(pool: Redis[]): Promise<{ readsPerSec: number; readsPerCpuSec: number }> {
  let reads = 0;
  let next = 0;
  const deadline = performance.now() + seconds * 1000;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (performance.now() < deadline) {
        const client = pool[next++ % pool.length]!;
        const fields = await client.hgetallBuffer(key);
        if (fields.body?.length !== 1024 * 1024) throw new Error('short read');
        reads++;
      }
    }),
  );
  const elapsedSec = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  return { readsPerSec: reads / elapsedSec, readsPerCpuSec: reads / ((cpu.user + cpu.system) / 1e6) };
}

async function main(): Promise<void> {
  const all: Redis[] = [];
  const connect = () => {
    const client = new Redis({ port, host: '127.0.0.1', lazyConnect: false });
    all.push(client);
    return client;
  };
  const writer = connect();
  await writer.hset(key, { meta: JSON.stringify({ status: 200 }), body: Buffer.alloc(1024 * 1024, 'm') });
  const pools: Record<string, Redis[]> = {
    '1 connection': [writer],
    '2 connections': [writer, connect()],
    '4 connections': [writer, connect(), connect(), connect()],
  };
  await measure([writer]); // warm-up
  for (let round = 0; round < 3; round++) {
    for (const [name, pool] of Object.entries(pools)) {
      const { readsPerSec, readsPerCpuSec } = await measure(pool);
      process.stdout.write(`round ${round + 1} ${name}: ${Math.round(readsPerSec)} reads/s, ${Math.round(readsPerCpuSec)} reads/CPU-s\n`);
    }
  }
  await writer.del(key);
  for (const client of all) client.disconnect();
}

void main();
