import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProxy, type TestProxy } from '../../../apps/proxy/test/helpers/proxy.js';

const run = promisify(execFile);
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const API_KEY = 'packed-client-key-0123456789';

/** The environment of a fresh shell: npm settings inherited from `npm test` must not leak into the scratch project. */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^npm_(config|package|lifecycle)_/i.test(name) && name !== 'INIT_CWD'),
  );
}

const CONSUMER_TS = `import { createCachingProxyClient, type AppRouter } from '@caching-proxy/client';
import type { inferRouterOutputs } from '@trpc/server';

type Health = inferRouterOutputs<AppRouter>['health'];
const client = createCachingProxyClient({ url: 'http://127.0.0.1:8001', apiKey: 'key' });
export async function check(): Promise<string> {
  const health: Health = await client.health.query();
  const stats = await client.stats.query();
  // @ts-expect-error -- not a procedure of the router: the types are the real ones, not any
  await client.noSuchProcedure.query();
  return \`\${health.status} \${stats.hit_rate.toFixed(1)}\`;
}
`;

const CONSUMER_MJS = `import { createCachingProxyClient } from '@caching-proxy/client';
const [url, apiKey] = process.argv.slice(2);
const client = createCachingProxyClient({ url, apiKey });
try {
  const health = await client.health.query();
  const stats = await client.stats.query();
  process.stdout.write(JSON.stringify({ status: health.status, backend: health.cache_backend, total: stats.total_requests }));
} catch (error) {
  process.stdout.write(JSON.stringify({ error: error.message }));
}
`;

describe('the packed client installed in another project', () => {
  let scratch: string;
  let proxy: TestProxy;

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'caching-proxy-client-'));
    const packDir = join(scratch, 'pack');
    const appDir = join(scratch, 'app');
    await mkdir(packDir);
    await mkdir(appDir);
    const env = cleanEnv();
    // `npm pack` builds the package first (its prepack script): what another team would receive.
    await run('npm', ['pack', '-w', '@caching-proxy/client', '--pack-destination', packDir], { cwd: REPO_ROOT, env });
    const [tarball] = await readdir(packDir);
    if (!tarball?.endsWith('.tgz')) throw new Error(`npm pack produced no tarball in ${packDir}`);
    await writeFile(join(appDir, 'package.json'), JSON.stringify({ name: 'scratch-consumer', private: true, type: 'module' }));
    await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', join(packDir, tarball)], { cwd: appDir, env });
    await writeFile(join(appDir, 'consumer.ts'), CONSUMER_TS);
    await writeFile(join(appDir, 'consumer.mjs'), CONSUMER_MJS);
    await writeFile(
      join(appDir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: true, types: [] },
        files: ['consumer.ts'],
      }),
    );
    // What Vite (and many setups) use: the `development` condition must not lead into sources.
    await writeFile(
      join(appDir, 'tsconfig.development.json'),
      JSON.stringify({ extends: './tsconfig.json', compilerOptions: { customConditions: ['development'] } }),
    );
    proxy = await startProxy({ ADMIN_API_KEY: API_KEY });
  }, 240_000);

  afterAll(async () => {
    await proxy?.close();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it('installs without the proxy or its server dependencies', () => {
    const modules = join(scratch, 'app', 'node_modules');
    expect(existsSync(join(modules, '@caching-proxy', 'client', 'dist', 'index.js'))).toBe(true);
    for (const absent of ['@caching-proxy/proxy', '@caching-proxy/shared', 'express', 'ioredis', 'undici', 'trpc-to-openapi']) {
      expect(existsSync(join(modules, absent)), absent).toBe(false);
    }
  });

  it('exposes only the built dist: no export condition (development or any) points into src', async () => {
    const installed = join(scratch, 'app', 'node_modules', '@caching-proxy', 'client');
    const manifest = JSON.parse(await readFile(join(installed, 'package.json'), 'utf8')) as { exports: unknown };
    const targets: string[] = [];
    const collect = (node: unknown): void => {
      if (typeof node === 'string') targets.push(node);
      else if (node && typeof node === 'object') Object.values(node).forEach(collect);
    };
    collect(manifest.exports);
    expect(targets.length).toBeGreaterThan(0);
    for (const target of targets) expect(target).toMatch(/^\.\/dist\//);
    expect(JSON.stringify(manifest.exports)).not.toContain('development');
    expect(existsSync(join(installed, 'src'))).toBe(false);
  });

  it('type-checks a consumer against the bundled router types, with or without the development condition', async () => {
    const tsc = join(scratch, 'app', 'node_modules', 'typescript', 'bin', 'tsc');
    for (const project of ['tsconfig.json', 'tsconfig.development.json']) {
      const result = await run(process.execPath, [tsc, '-p', project], { cwd: join(scratch, 'app') }).catch(
        (error: Error & { stdout?: string }) => ({ stdout: `failed: ${error.stdout ?? error.message}` }),
      );
      expect(result.stdout, project).toBe('');
    }
  }, 60_000);

  it('calls procedures of a running proxy through its admin listener', async () => {
    const { stdout } = await run(process.execPath, ['consumer.mjs', proxy.adminUrl, API_KEY], { cwd: join(scratch, 'app') });
    expect(JSON.parse(stdout)).toEqual({ status: 'healthy', backend: 'memory', total: 0 });
  });

  it('runs under node --conditions=development too (the dist, not sources)', async () => {
    const { stdout } = await run(process.execPath, ['--conditions=development', 'consumer.mjs', proxy.adminUrl, API_KEY], {
      cwd: join(scratch, 'app'),
    });
    expect(JSON.parse(stdout)).toEqual({ status: 'healthy', backend: 'memory', total: 0 });
  });

  it('says to use the admin listener when pointed at the data port', async () => {
    const { stdout } = await run(process.execPath, ['consumer.mjs', proxy.dataUrl, API_KEY], { cwd: join(scratch, 'app') });
    const { error } = JSON.parse(stdout) as { error: string };
    expect(error).toMatch(/PROXY_ERR_NOT_FOUND/);
    expect(error).toMatch(/admin listener \(ADMIN_PORT/);
    expect(error).not.toMatch(/Unable to transform/);
  });
});
