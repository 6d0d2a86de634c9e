/**
 * `npm run bench`: measures the proxy against a bare node:http server serving the same bytes, in
 * one run, on this machine. Servers run on one core and the load generator on the other (taskset)
 * where the machine allows. Prints one table; `--json` prints the rows as JSON too.
 *
 *   npm run bench                         # every scenario (about 3 minutes)
 *   npm run bench -- --only=memory        # scenarios whose name contains "memory"
 *   npm run bench -- --duration=20        # seconds per load run (default 10)
 *   npm run bench -- --soak=10            # the memory-bound soak run instead (minutes)
 *   npm run bench -- --load=autocannon    # autocannon even when wrk is installed
 *   npm run bench -- --rounds=3           # every scenario 3 times; the table shows medians
 *   npm run bench -- --baseline=<main.js> # each proxy scenario also against another build, interleaved
 *   npm run bench -- --profile=<dir>      # the proxies run with --cpu-prof, profiles written to <dir>
 *
 * Every row has requests per second and requests per server CPU-second (user + system time of the
 * server process and its children, from /proc, over the measured run): the second is much less
 * sensitive to other load on the machine. Ratios are taken within one round, then the median.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request as httpRequest, Agent as HttpAgent } from 'node:http';
import { createServer } from 'node:net';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BENCH_DIR = fileURLToPath(new URL('.', import.meta.url));
const PROXY_MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));

const args = new Map(
  process.argv.slice(2).map((arg) => {
    const [name, value] = arg.replace(/^--/, '').split('=');
    return [name!, value ?? 'true'] as const;
  }),
);
const DURATION_SEC = Number(args.get('duration') ?? 10);
const CONNECTIONS = Number(args.get('connections') ?? 50);
const ONLY = args.get('only');
const ROUNDS = Number(args.get('rounds') ?? 1);
const BASELINE_MAIN = args.get('baseline');
const PROFILE_DIR = args.get('profile');
/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ; 100 on Linux). */
const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

const CORES = availableParallelism();
const HAS_TASKSET = commandExists('taskset') && CORES >= 2;
/** wrk when installed (it loads the server more than a Node generator can); `--load=autocannon` forces the fallback. */
const HAS_WRK = args.get('load') !== 'autocannon' && commandExists('wrk');
/** Servers under test on this core, load generator, origin and Redis on the other. */
const SERVER_CORE = '1';
const LOAD_CORE = '0';

function commandExists(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function pinned(core: string, command: string, commandArgs: string[]): [string, string[]] {
  return HAS_TASKSET ? ['taskset', ['-c', core, command, ...commandArgs]] : [command, commandArgs];
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

interface Started {
  child: ChildProcess;
  port: number;
  stop(): Promise<void>;
}

function stopper(child: ChildProcess): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) {
        resolve();
        return;
      }
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 5000).unref();
    });
}

/** Starts one of the helper servers of bench/, which print `{"port": n}` once listening. */
function startHelper(core: string, script: string, extra: string[] = []): Promise<Started> {
  const [command, commandArgs] = pinned(core, process.execPath, [join(BENCH_DIR, script), '0', ...extra]);
  const child = spawn(command, commandArgs, { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout.once('data', (chunk: Buffer) => {
      const { port } = JSON.parse(chunk.toString().split('\n')[0]!) as { port: number };
      resolve({ child, port, stop: stopper(child) });
    });
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
}

/** One GET on a fresh connection (a pooled one may have been closed by an idle timeout meanwhile). */
function getText(url: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function waitForHttp(url: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const response = await getText(url);
      if (response.status === 200) return;
    } catch {
      // not yet listening
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function startProxy(env: Record<string, string>, main = PROXY_MAIN): Promise<Started & { adminPort: number }> {
  const port = await freePort();
  const adminPort = await freePort();
  const nodeArgs = PROFILE_DIR === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`];
  const [command, commandArgs] = pinned(SERVER_CORE, process.execPath, [...nodeArgs, main]);
  const child = spawn(command, commandArgs, {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      PATH: process.env.PATH ?? '',
      HOST: '127.0.0.1',
      PORT: String(port),
      ADMIN_PORT: String(adminPort),
      ALLOW_PRIVATE_NETWORKS: 'true',
      LOG_LEVEL: 'warn',
      ...env,
    },
  });
  await waitForHttp(`http://127.0.0.1:${adminPort}/health`);
  return { child, port, adminPort, stop: stopper(child) };
}

async function startRedis(): Promise<Started> {
  const port = await freePort();
  const [command, commandArgs] = pinned(LOAD_CORE, 'redis-server', [
    '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--loglevel', 'warning',
  ]);
  const child = spawn(command, commandArgs, { stdio: 'ignore' });
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      execFileSync('redis-cli', ['-p', String(port), 'ping'], { stdio: 'ignore' });
      break;
    } catch {
      if (Date.now() > deadline) throw new Error('redis-server did not start');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  return { child, port, stop: stopper(child) };
}

/** Peak resident set (VmHWM) of a process and its descendants (WORKERS), in MiB. */
function peakRssMiB(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const own = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .split(/\s+/)
      .filter((child) => child !== '')
      .map(Number);
    return own + children.reduce((sum, child) => sum + peakRssMiB(child), 0);
  } catch {
    return 0;
  }
}

/** CPU seconds (user + system) used so far by a process and its descendants (WORKERS). */
function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const own = (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .split(/\s+/)
      .filter((child) => child !== '')
      .map(Number);
    return own + children.reduce((sum, child) => sum + cpuSeconds(child), 0);
  } catch {
    return 0;
  }
}

/** The pid of the node process itself when it was started through taskset (taskset execs it). */
function serverPid(child: ChildProcess): number | undefined {
  return child.pid;
}

interface Load {
  rps: number;
  /** Requests completed in the measured run. */
  requests: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
}

function parseWrkLatency(text: string, percentile: string): number {
  const match = new RegExp(`^\\s*${percentile}%\\s+([\\d.]+)(us|ms|s)`, 'm').exec(text);
  if (!match) return Number.NaN;
  const value = Number(match[1]);
  return match[2] === 'us' ? value / 1000 : match[2] === 's' ? value * 1000 : value;
}

async function runLoad(url: string, durationSec = DURATION_SEC): Promise<Load> {
  if (HAS_WRK) {
    const [command, commandArgs] = pinned(LOAD_CORE, 'wrk', [
      '-t1', `-c${CONNECTIONS}`, `-d${durationSec}s`, '--latency', '--timeout', '10s', url,
    ]);
    const output = execFileSync(command, commandArgs, { encoding: 'utf8', maxBuffer: 10 * 1024 * 1024 });
    return {
      rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(output)?.[1] ?? 0),
      requests: Number(/(\d+) requests in/.exec(output)?.[1] ?? 0),
      p50Ms: parseWrkLatency(output, '50'),
      p99Ms: parseWrkLatency(output, '99'),
      non2xx: Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(output)?.[1] ?? 0),
    };
  }
  const { default: autocannon } = (await import('autocannon')) as unknown as {
    default: (options: object) => Promise<{
      requests: { average: number; total: number };
      latency: { p50: number; p99: number };
      non2xx: number;
    }>;
  };
  const result = await autocannon({ url, connections: CONNECTIONS, duration: durationSec });
  return { rps: result.requests.average, requests: result.requests.total, p50Ms: result.latency.p50, p99Ms: result.latency.p99, non2xx: result.non2xx };
}

async function originCounts(originPort: number): Promise<Record<string, number>> {
  return JSON.parse((await getText(`http://127.0.0.1:${originPort}/__counts`)).text) as Record<string, number>;
}

function totalOriginRequests(counts: Record<string, number>): number {
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

interface Row {
  scenario: string;
  rps: number;
  /** Requests per CPU-second of the server process (and its children). */
  perCpuSec: number;
  p50Ms: number;
  p99Ms: number;
  originRequests: number;
  peakRssMiB: number;
  reference?: string;
  /** req/s ratio to the reference. */
  ratio?: number;
  /** Requests-per-CPU-second ratio to the reference: what the targets are judged on. */
  cpuRatio?: number;
  target?: string;
  met?: boolean;
  note?: string;
}

/** The rows of the round being measured; ratios are only ever taken to a row of the same round. */
let rows: Row[] = [];
const rounds: Row[][] = [];

function selected(name: string): boolean {
  return ONLY === undefined || name.includes(ONLY);
}

function record(row: Row): void {
  rows.push(row);
  process.stderr.write(
    `  ${row.scenario}: ${Math.round(row.rps)} req/s, ${Math.round(row.perCpuSec)} req/CPU-s, p99 ${row.p99Ms.toFixed(2)} ms` +
      `${row.cpuRatio === undefined ? '' : `, ${row.cpuRatio.toFixed(2)} × ${row.reference} per CPU-s`}\n`,
  );
}

function ratioTo(row: Row, referenceName: string, minimum: number | undefined): void {
  const reference = rows.find((r) => r.scenario === referenceName);
  if (!reference) return;
  row.reference = referenceName;
  row.ratio = row.rps / reference.rps;
  row.cpuRatio = row.perCpuSec / reference.perCpuSec;
  if (minimum !== undefined) {
    row.target = `≥ ${minimum}`;
    row.met = row.cpuRatio >= minimum;
  }
}

interface ProxyScenario {
  name: string;
  env: Record<string, string>;
  path: string;
  reverse?: boolean;
  reference: string;
  minimumRatio?: number;
  redis?: boolean;
  /** p99 at most this many times the reference's p99. */
  p99Factor?: number;
}

/** One measured load run against a started server: req/s, latency and CPU-seconds. */
async function measureLoad(url: string, pid: number | undefined): Promise<{ load: Load; perCpuSec: number }> {
  await runLoad(url, 2);
  const cpuBefore = cpuSeconds(pid);
  const load = await runLoad(url);
  const cpuUsed = cpuSeconds(pid) - cpuBefore;
  return { load, perCpuSec: cpuUsed > 0 ? load.requests / cpuUsed : Number.NaN };
}

async function measureProxy(scenario: ProxyScenario, originPort: number, redisPort: number | undefined, main = PROXY_MAIN): Promise<void> {
  const env: Record<string, string> = { ...scenario.env };
  if (scenario.redis) {
    env.CACHE_BACKEND = 'redis';
    env.REDIS_URL = `redis://127.0.0.1:${redisPort}`;
    env.REDIS_KEY_PREFIX = `bench-${Date.now()}:`;
  }
  if (scenario.reverse) env.ORIGIN_URL = `http://127.0.0.1:${originPort}`;
  const proxy = await startProxy(env, main);
  try {
    const path = scenario.reverse ? scenario.path : `/http/http://127.0.0.1:${originPort}${scenario.path}`;
    const url = `http://127.0.0.1:${proxy.port}${path}`;
    // Warm: the first request is the miss that stores the response; a short run warms the JIT.
    await getText(url);
    const before = totalOriginRequests(await originCounts(originPort));
    const { load, perCpuSec } = await measureLoad(url, serverPid(proxy.child));
    const after = totalOriginRequests(await originCounts(originPort));
    const row: Row = {
      scenario: scenario.name,
      rps: load.rps,
      perCpuSec,
      p50Ms: load.p50Ms,
      p99Ms: load.p99Ms,
      originRequests: after - before,
      peakRssMiB: peakRssMiB(serverPid(proxy.child)),
      note: load.non2xx > 0 ? `${load.non2xx} non-2xx` : undefined,
    };
    ratioTo(row, scenario.reference, scenario.minimumRatio);
    if (scenario.p99Factor !== undefined) {
      const reference = rows.find((r) => r.scenario === scenario.reference)!;
      const p99Ok = row.p99Ms <= scenario.p99Factor * reference.p99Ms;
      row.note = [row.note, `p99 ${p99Ok ? '≤' : '>'} ${scenario.p99Factor}× reference`].filter(Boolean).join('; ');
      if (!p99Ok) row.met = false;
    }
    record(row);
  } finally {
    await proxy.stop();
  }
}

async function measureReference(name: string, script: string, path: string, extra: string[] = []): Promise<void> {
  const server = await startHelper(SERVER_CORE, script, extra);
  try {
    const url = `http://127.0.0.1:${server.port}${path}`;
    const { load, perCpuSec } = await measureLoad(url, server.child.pid);
    record({ scenario: name, rps: load.rps, perCpuSec, p50Ms: load.p50Ms, p99Ms: load.p99Ms, originRequests: 0, peakRssMiB: peakRssMiB(server.child.pid) });
  } finally {
    await server.stop();
  }
}

/** 1,000 concurrent identical misses against a 50 ms origin: how many reach it. */
async function measureCoalescing(originPort: number): Promise<void> {
  const proxy = await startProxy({});
  try {
    const path = `/slow?burst=${Date.now()}`;
    const agent = new HttpAgent({ keepAlive: false, maxSockets: Infinity });
    const started = performance.now();
    const statuses = await Promise.all(
      Array.from(
        { length: 1000 },
        () =>
          new Promise<number>((resolve, reject) => {
            const req = httpRequest(
              { host: '127.0.0.1', port: proxy.port, path: `/http/http://127.0.0.1:${originPort}${path}`, agent },
              (res) => {
                res.resume();
                res.on('end', () => resolve(res.statusCode ?? 0));
              },
            );
            req.on('error', reject);
            req.end();
          }),
      ),
    );
    const elapsedMs = performance.now() - started;
    const counts = await originCounts(originPort);
    record({
      scenario: 'coalescing: 1,000 concurrent misses, 50 ms origin',
      rps: 1000 / (elapsedMs / 1000),
      perCpuSec: Number.NaN,
      p50Ms: Number.NaN,
      p99Ms: elapsedMs,
      originRequests: counts[path] ?? 0,
      peakRssMiB: peakRssMiB(serverPid(proxy.child)),
      target: '1 origin request',
      met: counts[path] === 1 && statuses.every((s) => s === 200),
      note: `all answered in ${Math.round(elapsedMs)} ms`,
    });
  } finally {
    await proxy.stop();
  }
}

/** Fills a memory cache far past MAX_CACHE_BYTES for `minutes` and samples the proxy's RSS. */
async function soak(minutes: number, origin: Started): Promise<void> {
  const maxBytes = 64 * 1024 * 1024;
  const proxy = await startProxy({ MAX_CACHE_BYTES: String(maxBytes), MAX_CACHE_SIZE: '1000000' });
  const samples: number[] = [];
  const sampler = setInterval(() => {
    try {
      const status = readFileSync(`/proc/${proxy.child.pid}/status`, 'utf8');
      samples.push(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
    } catch {
      // process gone
    }
  }, 1000);
  try {
    const script = join(tmpdir(), `bench-fill-${Date.now()}.lua`);
    const { writeFileSync } = await import('node:fs');
    writeFileSync(
      script,
      `counter = 0\nrequest = function()\n  counter = counter + 1\n  return wrk.format("GET", "/http/http://127.0.0.1:${origin.port}/fill/" .. counter)\nend\n`,
    );
    if (!HAS_WRK) throw new Error('the soak run needs wrk (apt-get install wrk)');
    const [command, commandArgs] = pinned(LOAD_CORE, 'wrk', ['-t1', '-c16', `-d${minutes * 60}s`, '-s', script, `http://127.0.0.1:${proxy.port}/`]);
    const output = execFileSync(command, commandArgs, { encoding: 'utf8' });
    const stats = JSON.parse((await getText(`http://127.0.0.1:${proxy.adminPort}/stats`)).text) as {
      entries: number;
      size_bytes: number;
      evictions: number;
      stores: number;
    };
    const peak = Math.max(...samples);
    const settled = samples.slice(Math.floor(samples.length / 2));
    process.stdout.write(
      [
        `soak: ${minutes} min filling a memory cache bounded at ${maxBytes / 1024 / 1024} MiB with unique 64 KiB responses`,
        `  requests/s: ${/Requests\/sec:\s+([\d.]+)/.exec(output)?.[1]}`,
        `  stored: ${stats.stores}, evicted: ${stats.evictions}, entries now: ${stats.entries}, bytes now: ${(stats.size_bytes / 1024 / 1024).toFixed(1)} MiB`,
        `  proxy RSS: peak ${peak.toFixed(0)} MiB, second half ${Math.min(...settled).toFixed(0)}–${Math.max(...settled).toFixed(0)} MiB`,
        `  overhead over MAX_CACHE_BYTES at peak: ${(peak - maxBytes / 1024 / 1024).toFixed(0)} MiB`,
        '',
      ].join('\n'),
    );
  } finally {
    clearInterval(sampler);
    await proxy.stop();
  }
}

function pad(text: string, width: number, right = false): string {
  return right ? text.padStart(width) : text.padEnd(width);
}

function median(values: number[]): number {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** One row per scenario: the median of each number over the rounds (ratios were taken per round). */
function medianRows(): Row[] {
  const names = [...new Set(rounds.flat().map((r) => r.scenario))];
  return names.map((scenario) => {
    const all = rounds.flat().filter((r) => r.scenario === scenario);
    const first = all[0]!;
    const optional = (pick: (r: Row) => number | undefined) => {
      const values = all.map(pick).filter((v): v is number => v !== undefined);
      return values.length === 0 ? undefined : median(values);
    };
    const cpuRatio = optional((r) => r.cpuRatio);
    const minimum = first.target?.startsWith('≥') ? Number(first.target.slice(2)) : undefined;
    return {
      ...first,
      rps: median(all.map((r) => r.rps)),
      perCpuSec: median(all.map((r) => r.perCpuSec)),
      p50Ms: median(all.map((r) => r.p50Ms)),
      p99Ms: median(all.map((r) => r.p99Ms)),
      originRequests: median(all.map((r) => r.originRequests)),
      peakRssMiB: Math.max(...all.map((r) => r.peakRssMiB)),
      ratio: optional((r) => r.ratio),
      cpuRatio,
      met: minimum !== undefined && cpuRatio !== undefined ? cpuRatio >= minimum && all.every((r) => !r.note?.includes('p99 >')) : first.met,
      note: all.length > 1 ? `${all.length} rounds; per-CPU-s ratios ${all.map((r) => r.cpuRatio?.toFixed(2) ?? '–').join(' / ')}` : first.note,
    };
  });
}

function printTable(table: Row[]): void {
  const header = ['scenario', 'req/s', 'req/CPU-s', 'p50 ms', 'p99 ms', 'origin reqs', 'peak RSS MiB', 'ratio req/s', 'ratio req/CPU-s', 'target', 'met', 'note'];
  const lines = table.map((r) => [
    r.scenario,
    Math.round(r.rps).toString(),
    Number.isNaN(r.perCpuSec) ? '–' : Math.round(r.perCpuSec).toString(),
    Number.isNaN(r.p50Ms) ? '–' : r.p50Ms.toFixed(2),
    r.p99Ms.toFixed(2),
    r.originRequests.toString(),
    r.peakRssMiB.toFixed(0),
    r.ratio === undefined ? '' : `${r.ratio.toFixed(2)} × ${r.reference}`,
    r.cpuRatio === undefined ? '' : r.cpuRatio.toFixed(2),
    r.target ?? '',
    r.met === undefined ? '' : r.met ? 'yes' : 'NO',
    r.note ?? '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const format = (cells: string[]) => `| ${cells.map((c, i) => pad(c, widths[i]!, i > 0 && i < 7)).join(' | ')} |`;
  process.stdout.write(`${format(header)}\n|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|\n`);
  for (const line of lines) process.stdout.write(`${format(line)}\n`);
}

const FORWARDER = 'reference pass-through (leanest forwarder)';
const HEADERS_REFERENCE = 'reference 1 KiB with a hit\'s header fields';

async function measureRound(round: number, origin: Started, redis: Started | undefined, scenarios: ProxyScenario[]): Promise<void> {
  rows = [];
  process.stderr.write(`round ${round + 1} of ${ROUNDS}\n`);
  // The references run every round: every ratio is to a reference measured in the same round.
  await measureReference('reference 1 KiB', 'reference.mjs', '/1k');
  await measureReference('reference 1 MiB', 'reference.mjs', '/1m');
  if (scenarios.some((scenario) => scenario.reference === 'reference 1 KiB' && selected(scenario.name))) {
    // The same bare server sending the header fields a hit sends: what header handling alone costs.
    await measureReference(HEADERS_REFERENCE, 'reference-headers.mjs', '/1k');
    ratioTo(rows.at(-1)!, 'reference 1 KiB', undefined);
  }
  if (scenarios.some((scenario) => scenario.reference === FORWARDER && selected(scenario.name))) {
    await measureReference(FORWARDER, 'forwarder.mjs', '/nostore', [`http://127.0.0.1:${origin.port}`]);
  }
  for (const scenario of scenarios) {
    if (!selected(scenario.name)) continue;
    if (scenario.redis && !redis) throw new Error(`${scenario.name}: redis-server is not installed`);
    // With a baseline build, both builds run each scenario back to back, in alternating order.
    const builds: [string, string][] = BASELINE_MAIN === undefined ? [[scenario.name, PROXY_MAIN]] : [[`${scenario.name} (baseline)`, BASELINE_MAIN], [scenario.name, PROXY_MAIN]];
    if (round % 2 === 1) builds.reverse();
    for (const [name, main] of builds) await measureProxy({ ...scenario, name }, origin.port, redis?.port, main);
  }
  if (selected('coalescing')) await measureCoalescing(origin.port);
  rounds.push(rows);
}

async function main(): Promise<void> {
  process.stdout.write(
    `caching-proxy benchmark — ${new Date().toISOString().slice(0, 10)}, ${cpus()[0]?.model ?? 'cpu'} × ${CORES}, Node ${process.version}, ` +
      `load: ${HAS_WRK ? 'wrk' : 'autocannon'} ${CONNECTIONS} connections × ${DURATION_SEC} s, ${ROUNDS} round(s), ` +
      `${HAS_TASKSET ? `servers on core ${SERVER_CORE}, load generator/origin/Redis on core ${LOAD_CORE}` : 'no core pinning'}\n\n`,
  );
  const origin = await startHelper(LOAD_CORE, 'origin.mjs');
  const soakMinutes = args.get('soak');
  if (soakMinutes !== undefined) {
    try {
      await soak(Number(soakMinutes === 'true' ? 10 : soakMinutes), origin);
    } finally {
      await origin.stop();
    }
    return;
  }
  const scenarios: ProxyScenario[] = [
    { name: 'memory hit 1 KiB /http/', env: {}, path: '/1k', reference: 'reference 1 KiB', minimumRatio: 0.85, p99Factor: 2 },
    { name: 'memory hit 1 KiB reverse', env: {}, path: '/1k', reverse: true, reference: 'reference 1 KiB', minimumRatio: 0.85 },
    { name: 'memory hit 1 MiB /http/', env: {}, path: '/1m', reference: 'reference 1 MiB', minimumRatio: 0.9 },
    { name: 'memory hit 1 MiB reverse', env: {}, path: '/1m', reverse: true, reference: 'reference 1 MiB', minimumRatio: 0.9 },
    { name: 'redis+L1 hit 1 KiB /http/', env: {}, path: '/1k', redis: true, reference: 'reference 1 KiB', minimumRatio: 0.75 },
    { name: 'redis+L1 hit 1 MiB /http/', env: {}, path: '/1m', redis: true, reference: 'reference 1 MiB', minimumRatio: 0.75 },
    { name: 'redis no L1 hit 1 KiB /http/', env: { L1_MAX_BYTES: '0' }, path: '/1k', redis: true, reference: 'reference 1 KiB', minimumRatio: 0.35 },
    { name: 'redis no L1 hit 1 MiB /http/', env: { L1_MAX_BYTES: '0' }, path: '/1m', redis: true, reference: 'reference 1 MiB', minimumRatio: 0.35 },
    { name: 'workers=2 redis+L1 hit 1 KiB', env: { WORKERS: '2' }, path: '/1k', redis: true, reference: 'reference 1 KiB' },
    { name: 'pass-through (no-store) reverse', env: {}, path: '/nostore', reverse: true, reference: FORWARDER, minimumRatio: 0.85 },
    { name: 'pass-through (no-store) /http/', env: {}, path: '/nostore', reference: FORWARDER, minimumRatio: 0.85 },
  ];
  const needsRedis = scenarios.some((scenario) => scenario.redis && selected(scenario.name));
  const redis = needsRedis && commandExists('redis-server') ? await startRedis() : undefined;
  try {
    for (let round = 0; round < ROUNDS; round++) await measureRound(round, origin, redis, scenarios);
  } finally {
    await redis?.stop();
    await origin.stop();
  }
  process.stdout.write('\n');
  const table = medianRows();
  printTable(table);
  if (args.has('json')) process.stdout.write(`\n${JSON.stringify({ rounds, medians: table }, null, 2)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`benchmark failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
