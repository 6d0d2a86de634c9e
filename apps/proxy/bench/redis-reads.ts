/**
 * `node --import tsx bench/redis-reads.ts [--port=<redis port>] [--seconds=5] [--rounds=3] [--only=<text>] [--serve]`:
 * how fast one process reads a 1 MiB stored response from Redis, 50 reads in flight, one hash per
 * entry as the Redis store keeps it. Candidates, interleaved round by round:
 *
 * - `ioredis, body in one field`: HGETALL of meta + one 1 MiB body field (the stored format up to
 *   format 1), over one connection and over a pool of four;
 * - `ioredis, body in N KiB fields`: the same megabyte in fields of N KiB, read by the same
 *   HGETALL (one round trip), never concatenated;
 * - `node-redis, …`: the same reads with node-redis (`redis` package), when it can be imported
 *   (`npm i --no-save redis` in apps/proxy; it is not a dependency of the proxy);
 * - `valkey-glide, …`: the same reads with valkey-glide (its socket is read by a Rust core, not by
 *   net.Socket), when it can be imported (`npm i --no-save @valkey/valkey-glide`);
 * - `raw socket, …`: the floor of any client reading through net.Socket (no RESP parser at all).
 *
 * With `--serve`, every body read is also written to a loopback socket (chunks corked into one
 * writev), as a hit is written to its client.
 *
 * Prints reads/s and reads per CPU-second of this process (the number to judge on a shared
 * machine), and the median per candidate. Used to choose the read path and the stored format of
 * storage/redis (see the README's Performance section).
 */
import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { Redis } from 'ioredis';

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const port = Number(args.get('port') ?? 6379);
const seconds = Number(args.get('seconds') ?? 5);
const rounds = Number(args.get('rounds') ?? 3);
const only = args.get('only') ?? '';
const serve = args.has('serve');
const IN_FLIGHT = 50;
const BODY_BYTES = 1024 * 1024;
const KIB = 1024;

/** Reads one entry (and with --serve writes its body to a socket), resolving to the body's length. */
type ReadEntry = () => Promise<number>;

interface Candidate {
  name: string;
  read: ReadEntry;
}

async function measure(read: ReadEntry): Promise<{ readsPerSec: number; readsPerCpuSec: number }> {
  let reads = 0;
  const deadline = performance.now() + seconds * 1000;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (performance.now() < deadline) {
        if ((await read()) !== BODY_BYTES) throw new Error('short read');
        reads++;
      }
    }),
  );
  const elapsedSec = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  return { readsPerSec: reads / elapsedSec, readsPerCpuSec: reads / ((cpu.user + cpu.system) / 1e6) };
}

/** The body fields of a chunked entry: `b:0`, `b:1`, … of `chunkBytes` each. */
function chunkFields(chunkBytes: number): Record<string, Buffer> {
  const fields: Record<string, Buffer> = {};
  for (let i = 0; i * chunkBytes < BODY_BYTES; i++) fields[`b:${i}`] = Buffer.alloc(Math.min(chunkBytes, BODY_BYTES - i * chunkBytes), 'm');
  return fields;
}

/** The body fields of a HGETALL reply (object of field → Buffer), in order. */
function bodyChunks(fields: Record<string, Buffer | string>): Buffer[] {
  const chunks: Buffer[] = [];
  for (const name in fields) if (name.startsWith('b')) chunks.push(fields[name] as Buffer);
  return chunks;
}

/**
 * With --serve, where bodies go: one loopback connection to a server that discards what it reads
 * (as a hit is written to its client). Chunks are written corked (one writev), never concatenated.
 */
let sink: Socket | undefined;

async function openSink(): Promise<() => void> {
  const server = createServer((socket) => socket.resume());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port: sinkPort } = server.address() as AddressInfo;
  sink = connect(sinkPort, '127.0.0.1');
  await once(sink, 'connect');
  return () => {
    sink?.destroy();
    server.close();
  };
}

/** Hands the body to the sink (with --serve) and resolves to its length once written. */
async function deliver(chunks: Buffer[]): Promise<number> {
  let total = 0;
  for (const chunk of chunks) total += chunk.length;
  if (sink === undefined) return total;
  const out = sink;
  await new Promise<void>((resolve, reject) => {
    out.cork();
    for (let i = 0; i < chunks.length - 1; i++) out.write(chunks[i]!);
    out.write(chunks[chunks.length - 1]!, (error) => (error ? reject(error) : resolve()));
    out.uncork();
  });
  return total;
}

function bodyLength(fields: Record<string, Buffer | string>): Promise<number> {
  return deliver(bodyChunks(fields));
}

const CHUNK_SIZES_KIB = [16, 64, 256];

async function main(): Promise<void> {
  const prefix = `bench-redis-reads:${process.pid}:`;
  const meta = JSON.stringify({ status: 200, headers: ['content-type', 'application/octet-stream'] });
  const all: Redis[] = [];
  const connect = () => {
    const client = new Redis({ port, host: '127.0.0.1', lazyConnect: false, enableAutoPipelining: true });
    all.push(client);
    return client;
  };
  const writer = connect();
  const oneField = `${prefix}one`;
  await writer.hset(oneField, { meta, body: Buffer.alloc(BODY_BYTES, 'm') });
  for (const kib of CHUNK_SIZES_KIB) await writer.hset(`${prefix}c${kib}`, { meta, ...chunkFields(kib * KIB) });

  const pool = [writer, connect(), connect(), connect()];
  let next = 0;
  const candidates: Candidate[] = [
    { name: 'ioredis, body in one field, 1 connection', read: async () => bodyLength(await writer.hgetallBuffer(oneField)) },
    {
      name: 'ioredis, body in one field, 4 connections',
      read: async () => bodyLength(await pool[next++ % pool.length]!.hgetallBuffer(oneField)),
    },
    ...CHUNK_SIZES_KIB.map((kib) => ({
      name: `ioredis, body in ${kib} KiB fields, 1 connection`,
      read: async () => bodyLength(await writer.hgetallBuffer(`${prefix}c${kib}`)),
    })),
    {
      // What keeping StoredResponse.body one Buffer would cost: the chunks copied into one.
      name: 'ioredis, body in 16 KiB fields concatenated, 1 connection',
      read: async () => deliver([Buffer.concat(bodyChunks(await writer.hgetallBuffer(`${prefix}c16`)))]),
    },
  ];

  // The floor: the same megabyte through a socket with no RESP parser at all (GET of a string,
  // replies counted by length), with Node's default reads (a new buffer per read) and with one
  // reused read buffer (`onread`) — what any client reading with net.Socket pays.
  const rawKey = `${prefix}raw`;
  await writer.set(rawKey, Buffer.alloc(BODY_BYTES, 'm'));
  const rawDefault = await rawReader(rawKey, false);
  const rawReused = await rawReader(rawKey, true);
  candidates.push({ name: 'raw socket, no parser, new buffer per read', read: rawDefault.read });
  candidates.push({ name: 'raw socket, no parser, one reused read buffer', read: rawReused.read });

  const nodeRedis = await importNodeRedis();
  let closeNodeRedis = async (): Promise<void> => {};
  if (nodeRedis) {
    const client = await nodeRedis
      .createClient({ socket: { host: '127.0.0.1', port } })
      .withTypeMapping({ [nodeRedis.RESP_TYPES.BLOB_STRING]: Buffer })
      .connect();
    closeNodeRedis = async () => void (await client.quit());
    candidates.push({ name: 'node-redis, body in one field, 1 connection', read: async () => bodyLength(await client.hGetAll(oneField)) });
    candidates.push({
      name: 'node-redis, body in 64 KiB fields, 1 connection',
      read: async () => bodyLength(await client.hGetAll(`${prefix}c64`)),
    });
  } else {
    process.stdout.write('node-redis: not importable (npm i --no-save redis in apps/proxy to include it)\n');
  }

  const glide = await importGlide();
  let closeGlide = (): void => {};
  if (glide) {
    const client = await glide.GlideClient.createClient({ addresses: [{ host: '127.0.0.1', port }], requestTimeout: 5000 });
    closeGlide = () => client.close();
    const glideBody = (pairs: { field: Buffer | string; value: Buffer | string }[]) =>
      deliver(pairs.filter(({ field }) => field.toString().startsWith('b')).map(({ value }) => value as Buffer));
    candidates.push({
      name: 'valkey-glide, body in one field, 1 client',
      read: async () => glideBody(await client.hgetall(oneField, { decoder: glide.Decoder.Bytes })),
    });
    candidates.push({
      name: 'valkey-glide, body in 16 KiB fields, 1 client',
      read: async () => glideBody(await client.hgetall(`${prefix}c16`, { decoder: glide.Decoder.Bytes })),
    });
  } else {
    process.stdout.write('valkey-glide: not importable (npm i --no-save @valkey/valkey-glide in apps/proxy to include it)\n');
  }

  const closeSink = serve ? await openSink() : () => {};
  const selected = candidates.filter((c) => c.name.includes(only));
  const results = new Map<string, number[]>(selected.map((c) => [c.name, []]));
  await measure(selected[0]!.read); // warm-up
  for (let round = 0; round < rounds; round++) {
    for (const candidate of selected) {
      const { readsPerSec, readsPerCpuSec } = await measure(candidate.read);
      results.get(candidate.name)!.push(readsPerCpuSec);
      process.stdout.write(`round ${round + 1} ${candidate.name}: ${Math.round(readsPerSec)} reads/s, ${Math.round(readsPerCpuSec)} reads/CPU-s\n`);
    }
  }
  process.stdout.write('\nmedian reads/CPU-s:\n');
  for (const [name, values] of results) process.stdout.write(`  ${name}: ${Math.round(median(values))}\n`);

  await writer.del(oneField, rawKey, ...CHUNK_SIZES_KIB.map((kib) => `${prefix}c${kib}`));
  rawDefault.close();
  rawReused.close();
  await closeNodeRedis();
  closeSink();
  closeGlide();
  for (const client of all) client.disconnect();
}

/**
 * GETs `key` (a BODY_BYTES string) over a raw connection, pipelined: each reply is exactly
 * `$<n>\r\n<n bytes>\r\n`, so replies are told apart by counting bytes, never parsed or copied.
 */
async function rawReader(key: string, reuseReadBuffer: boolean): Promise<{ read: ReadEntry; close: () => void }> {
  const replyBytes = `$${BODY_BYTES}\r\n`.length + BODY_BYTES + 2;
  const request = Buffer.from(`*2\r\n$3\r\nGET\r\n$${Buffer.byteLength(key)}\r\n${key}\r\n`);
  const waiting: Array<() => void> = [];
  let received = 0;
  const onBytes = (n: number): void => {
    received += n;
    while (received >= replyBytes) {
      received -= replyBytes;
      waiting.shift()!();
    }
  };
  const socket = reuseReadBuffer
    ? connect({ port, host: '127.0.0.1', onread: { buffer: Buffer.allocUnsafe(256 * KIB), callback: (n) => { onBytes(n); return true; } } })
    : connect({ port, host: '127.0.0.1' }).on('data', (chunk: Buffer) => onBytes(chunk.length));
  await once(socket, 'connect');
  return {
    read: () =>
      new Promise<number>((resolve) => {
        waiting.push(() => resolve(BODY_BYTES));
        socket.write(request);
      }),
    close: () => socket.destroy(),
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/** The part of node-redis (v5) this benchmark uses; typed here because the proxy does not depend on it. */
interface NodeRedisClient {
  hGetAll(key: string): Promise<Record<string, Buffer>>;
  quit(): Promise<unknown>;
}
interface NodeRedisModule {
  RESP_TYPES: { BLOB_STRING: number };
  createClient(options: { socket: { host: string; port: number } }): {
    withTypeMapping(mapping: Record<number, unknown>): { connect(): Promise<NodeRedisClient> };
  };
}

/** The part of valkey-glide (v2) this benchmark uses. */
interface GlideModule {
  Decoder: { Bytes: number };
  GlideClient: {
    createClient(options: { addresses: { host: string; port: number }[]; requestTimeout: number }): Promise<{
      hgetall(key: string, options: { decoder: number }): Promise<{ field: Buffer | string; value: Buffer | string }[]>;
      close(): void;
    }>;
  };
}

/** valkey-glide (a Rust core behind a Node binding) when installed. */
async function importGlide(): Promise<GlideModule | undefined> {
  try {
    const name = '@valkey/valkey-glide';
    return (await import(name)) as GlideModule;
  } catch {
    return undefined;
  }
}

/** node-redis when installed. */
async function importNodeRedis(): Promise<NodeRedisModule | undefined> {
  try {
    const name = 'redis';
    return (await import(name)) as NodeRedisModule;
  } catch {
    return undefined;
  }
}

void main();
