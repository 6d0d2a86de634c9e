import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const PROXY_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface ProxyProcess {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the n-th (default first) JSON log line whose `msg` is `msg` or starts `msg: …`. */
  waitForLog(msg: string, occurrence?: number): Promise<Record<string, unknown>>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(): Promise<void>;
}

/** Runs `src/main.ts` as its own process, the way `npm start` runs the built file. */
export function spawnProxy(env: Record<string, string>): ProxyProcess {
  const child = spawn(process.execPath, ['--conditions=development', '--import', 'tsx', 'src/main.ts'], {
    cwd: PROXY_ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  let pending = '';
  const logged: Record<string, unknown>[] = [];
  const waiters: { msg: string; occurrence: number; resolve: (line: Record<string, unknown>) => void }[] = [];
  const settleWaiters = () => {
    for (const waiter of [...waiters]) {
      const matches = logged.filter(
        (line) => line.msg === waiter.msg || (typeof line.msg === 'string' && line.msg.startsWith(`${waiter.msg}: `)),
      );
      if (matches.length >= waiter.occurrence) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(matches[waiter.occurrence - 1]!);
      }
    }
  };
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.startsWith('{')) continue;
      try {
        logged.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // not a log line
      }
    }
    settleWaiters();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    waitForLog: (msg, occurrence = 1) =>
      new Promise((resolve, reject) => {
        waiters.push({ msg, occurrence, resolve });
        settleWaiters();
        void exited.then(() => reject(new Error(`process exited before logging "${msg}":\n${out}\n${err}`)));
      }),
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
