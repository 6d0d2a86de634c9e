import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { CONFIG_VARIABLES, parseConfig } from '../src/config.js';
import { startProxy, type TestProxy } from './helpers/proxy.js';

/**
 * The container files (Dockerfile, docker-compose.yml, .env.example, .dockerignore) and the README's
 * configuration table, checked against the configuration schema without a Docker engine. The
 * schema is read at run time (CONFIG_VARIABLES, parseConfig), so a variable added to config.ts and
 * forgotten in one of these files fails here.
 */

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const PROXY_ROOT = fileURLToPath(new URL('../', import.meta.url));

function repoFile(path: string): string {
  return readFileSync(`${REPO_ROOT}${path}`, 'utf8');
}

const DEFAULTS = parseConfig({});
const SCHEMA_VARIABLES = new Set<string>(CONFIG_VARIABLES);

/**
 * Where .env.example deliberately departs from the schema's default, and why: the file configures a
 * container, whose admin listener must bind every interface for its published port to reach it.
 */
const CONTAINER_VALUES: Record<string, string> = { ADMIN_HOST: '0.0.0.0' };

// ---------------------------------------------------------------------------------------------------
// .env.example

interface EnvLine {
  name: string;
  value: string;
  /** The comment line just above the assignment. */
  comment: string | undefined;
}

/** `NAME=value` lines (docker run --env-file syntax: no quotes, no inline comments), `#` comments, blanks. */
function parseEnvExample(text: string): EnvLine[] {
  const entries: EnvLine[] = [];
  let previous: string | undefined;
  for (const [index, line] of text.split('\n').entries()) {
    if (line.trim() === '' || line.startsWith('#')) {
      previous = line.startsWith('#') ? line : undefined;
      continue;
    }
    const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (!match) throw new Error(`.env.example line ${index + 1} is not NAME=value: ${JSON.stringify(line)}`);
    entries.push({ name: match[1]!, value: match[2]!, comment: previous });
    previous = undefined;
  }
  return entries;
}

const envExample = parseEnvExample(repoFile('.env.example'));
const envExampleRecord = Object.fromEntries(envExample.map((entry) => [entry.name, entry.value]));

describe('.env.example', () => {
  it('lists every variable of the configuration schema, once each, and nothing else', () => {
    const names = envExample.map((entry) => entry.name);
    expect(names.filter((name, index) => names.indexOf(name) !== index), 'listed twice').toEqual([]);
    expect(names.filter((name) => !SCHEMA_VARIABLES.has(name)), 'not in the schema').toEqual([]);
    expect(CONFIG_VARIABLES.filter((name) => !names.includes(name)), 'missing from .env.example').toEqual([]);
  });

  it('documents every variable with a comment line above it', () => {
    expect(envExample.filter((entry) => !entry.comment || entry.comment.trim() === '#').map((e) => e.name)).toEqual([]);
  });

  it('parses, and keeps every default but the documented container values', () => {
    const parsed = parseConfig(envExampleRecord);
    for (const name of CONFIG_VARIABLES) {
      const expected = name in CONTAINER_VALUES ? parseConfig({ [name]: CONTAINER_VALUES[name] })[name] : DEFAULTS[name];
      expect(parsed[name], name).toEqual(expected);
    }
  });

  it('writes each container value literally', () => {
    for (const [name, value] of Object.entries(CONTAINER_VALUES)) expect(envExampleRecord[name], name).toBe(value);
  });
});

// ---------------------------------------------------------------------------------------------------
// README

describe('README configuration table', () => {
  it('has a row for every schema variable, and none for a variable the schema does not read', () => {
    const readme = repoFile('README.md');
    const start = readme.indexOf('\n## Configuration');
    expect(start, 'README has a "## Configuration" section').toBeGreaterThanOrEqual(0);
    const end = readme.indexOf('\n## ', start + 1);
    const section = readme.slice(start, end === -1 ? undefined : end);
    const rows = [...section.matchAll(/^\|\s*`([A-Z][A-Z0-9_]*)`\s*\|/gm)].map((match) => match[1]!);
    expect(CONFIG_VARIABLES.filter((name) => !rows.includes(name)), 'missing from the README table').toEqual([]);
    expect(rows.filter((name) => !SCHEMA_VARIABLES.has(name)), 'in the README table, not in the schema').toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------
// Dockerfile

interface Instruction {
  keyword: string;
  args: string;
}

interface Stage {
  image: string;
  name: string | undefined;
  instructions: Instruction[];
}

/** Instructions per build stage: comment lines dropped, `\` continuations joined. */
function parseDockerfile(text: string): Stage[] {
  const logical: string[] = [];
  let current = '';
  for (const line of text.split('\n')) {
    if (/^\s*#/.test(line)) continue;
    if (line.endsWith('\\')) {
      current += `${line.slice(0, -1)} `;
      continue;
    }
    current += line;
    if (current.trim() !== '') logical.push(current.trim());
    current = '';
  }
  const stages: Stage[] = [];
  for (const line of logical) {
    const match = /^(\S+)\s+(.*)$/s.exec(line);
    if (!match) throw new Error(`Dockerfile line without arguments: ${line}`);
    const keyword = match[1]!.toUpperCase();
    const args = match[2]!;
    if (keyword === 'FROM') {
      const from = /^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args);
      if (!from) throw new Error(`unexpected FROM: ${line}`);
      stages.push({ image: from[1]!, name: from[2], instructions: [] });
    } else if (keyword !== 'ARG' || stages.length > 0) {
      const stage = stages.at(-1);
      if (!stage) throw new Error(`${keyword} before the first FROM`);
      stage.instructions.push({ keyword, args });
    }
  }
  return stages;
}

const dockerfile = parseDockerfile(repoFile('Dockerfile'));
const finalStage = dockerfile.at(-1)!;

function instructions(stage: Stage, keyword: string): string[] {
  return stage.instructions.filter((instruction) => instruction.keyword === keyword).map((instruction) => instruction.args);
}

function execForm(args: string): string[] {
  expect(args.startsWith('['), `exec form (JSON array) expected: ${args}`).toBe(true);
  return z.array(z.string()).parse(JSON.parse(args));
}

/** `ENV A=1 B=2` (no quoted values in this file). */
function envOf(stage: Stage): Record<string, string> {
  const env: Record<string, string> = {};
  for (const args of instructions(stage, 'ENV')) {
    for (const pair of args.split(/\s+/)) {
      const match = /^([A-Za-z_][A-Za-z0-9_]*)=(\S*)$/.exec(pair);
      if (!match) throw new Error(`ENV in NAME=value form expected: ${args}`);
      env[match[1]!] = match[2]!;
    }
  }
  return env;
}

/** The HEALTHCHECK's command, as exec-form arguments. */
function dockerHealthcheck(): string[] {
  const [args] = instructions(finalStage, 'HEALTHCHECK');
  expect(args, 'the final stage has a HEALTHCHECK').toBeDefined();
  const command = /(?:^|\s)CMD\s+(.*)$/s.exec(args!);
  expect(command, 'HEALTHCHECK ... CMD [...]').not.toBeNull();
  return execForm(command![1]!);
}

const NPM_INSTALL = /\bnpm\s+(?:ci|install|i)\b/;

describe('Dockerfile', () => {
  it('is multi-stage and its final stage runs the built proxy as the node user', () => {
    expect(dockerfile.length).toBeGreaterThan(1);
    const users = instructions(finalStage, 'USER');
    expect(users.at(-1)).toBe('node');
    expect(instructions(finalStage, 'WORKDIR').at(-1)).toBe('/app');
    expect(execForm(instructions(finalStage, 'CMD').at(-1)!)).toEqual(['node', 'apps/proxy/dist/main.js']);
    // dist/main.js is what tsc -p tsconfig.build.json (rootDir src, outDir dist) makes of src/main.ts.
    expect(readFileSync(`${PROXY_ROOT}src/main.ts`, 'utf8')).toContain("process.on('SIGTERM'");
    const buildConfig = z
      .object({ compilerOptions: z.object({ rootDir: z.literal('src'), outDir: z.literal('dist') }) })
      .parse(JSON.parse(readFileSync(`${PROXY_ROOT}tsconfig.build.json`, 'utf8')));
    expect(buildConfig.compilerOptions.outDir).toBe('dist');
  });

  it('sets NODE_ENV and listener addresses that the schema accepts', () => {
    const env = envOf(finalStage);
    expect(env).toMatchObject({ NODE_ENV: 'production', HOST: '0.0.0.0', ADMIN_HOST: '0.0.0.0' });
    const schemaEnv = Object.fromEntries(Object.entries(env).filter(([name]) => SCHEMA_VARIABLES.has(name)));
    expect(() => parseConfig(schemaEnv)).not.toThrow();
    for (const [name, value] of Object.entries(CONTAINER_VALUES)) expect(env[name], name).toBe(value);
  });

  it("exposes the schema's default PORT and ADMIN_PORT", () => {
    const exposed = instructions(finalStage, 'EXPOSE').flatMap((args) => args.split(/\s+/).map((port) => Number(port.split('/')[0])));
    expect(exposed.sort((a, b) => a - b)).toEqual([DEFAULTS.PORT, DEFAULTS.ADMIN_PORT].sort((a, b) => a - b));
  });

  it('installs no devDependencies in what the final stage gets, and copies no sources into it', () => {
    const stageNamed = (name: string) => dockerfile.find((stage) => stage.name === name);
    // The final stage installs nothing itself...
    for (const run of instructions(finalStage, 'RUN')) expect(run).not.toMatch(NPM_INSTALL);
    let productionInstalls = 0;
    for (const copy of instructions(finalStage, 'COPY')) {
      // ...never copies the build context (sources, tests), only from other stages...
      const match = /--from=(\S+)\s+(.+)\s+(\S+)$/.exec(copy);
      expect(match, `COPY --from=<stage> in the final stage: ${copy}`).not.toBeNull();
      const source = stageNamed(match![1]!);
      expect(source, `stage ${match![1]}`).toBeDefined();
      const installs = instructions(source!, 'RUN').filter((run) => NPM_INSTALL.test(run));
      if (installs.length > 0 && installs.every((run) => /--omit=dev\b/.test(run))) {
        // ...takes node_modules from a stage that installed the proxy's production dependencies only...
        for (const run of installs) expect(run).toMatch(/--workspace=@caching-proxy\/proxy\b/);
        productionInstalls += 1;
        continue;
      }
      // ...and from a stage with devDependencies, only directories made of compiled `dist` output.
      for (const path of match![2]!.split(/\s+/)) {
        const dir = path.replace(/\/$/, '');
        const dirPattern = dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        expect(dir.startsWith('/') && dir !== '/app', `${copy}: a directory outside the install`).toBe(true);
        const cp = instructions(source!, 'RUN')
          .map((run) => new RegExp(`\\bcp\\s+((?:-[-\\w]+\\s+)*)([^;&|]+?)\\s+${dirPattern}/?(?:\\s|;|$)`).exec(run))
          .find((found) => found !== null);
        expect(cp, `a cp into ${dir} in stage ${source!.name}`).toBeDefined();
        for (const operand of cp![2]!.trim().split(/\s+/)) expect(operand, `${dir} gets ${operand}`).toMatch(/(^|\/)dist$/);
      }
    }
    expect(productionInstalls).toBe(1);
  });

  it('builds every workspace package the proxy imports, and keeps the admin UI at apps/proxy/../admin-ui/dist', () => {
    const proxyPackage = z
      .object({ dependencies: z.record(z.string(), z.string()) })
      .parse(JSON.parse(readFileSync(`${PROXY_ROOT}package.json`, 'utf8')));
    const workspaceDeps = Object.keys(proxyPackage.dependencies).filter((name) => name.startsWith('@caching-proxy/'));
    expect(workspaceDeps.length).toBeGreaterThan(0);
    const build = dockerfile.find((stage) => instructions(stage, 'RUN').some((run) => /turbo run build/.test(run)));
    expect(build, 'a stage runs turbo run build').toBeDefined();
    const buildRun = instructions(build!, 'RUN').join('\n');
    // `--filter=@caching-proxy/proxy...` selects the proxy and every workspace package it depends on.
    expect(buildRun).toContain('--filter=@caching-proxy/proxy...');
    expect(buildRun).toContain('--filter=@caching-proxy/admin-ui');
    // Workspace libraries live in packages/*; their dist directories reach the final stage.
    expect(buildRun).toContain('packages/*/dist');
    expect(buildRun).toContain('apps/proxy/dist');
    expect(buildRun).toContain('apps/admin-ui/dist');
    expect(repoFile('apps/proxy/src/control-plane/admin-ui-static.ts')).toContain("'../../../admin-ui/dist'");
  });
});

// ---------------------------------------------------------------------------------------------------
// docker-compose.yml

const StringList = z.array(z.string());
const Healthcheck = z.object({ test: StringList });
const Environment = z.union([
  z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform(String)),
  StringList.transform((list) => Object.fromEntries(list.map((item) => [item.split('=')[0]!, item.slice(item.indexOf('=') + 1)]))),
]);
const Compose = z.object({
  services: z.object({
    redis: z.object({ image: z.string(), command: StringList, healthcheck: Healthcheck }),
    proxy: z
      .object({
        build: z.union([z.string(), z.object({ context: z.string(), dockerfile: z.string().optional() })]),
        env_file: z.union([z.string(), StringList]),
        environment: Environment,
        ports: StringList,
        depends_on: z.record(z.string(), z.object({ condition: z.string() })),
        healthcheck: Healthcheck,
        restart: z.string(),
        stop_grace_period: z.string(),
      }),
  }),
});

const compose = Compose.parse(parseYaml(repoFile('docker-compose.yml')));
const proxyService = compose.services.proxy;

/** Compose interpolation of one value: `${VAR:-default}` → default, `${VAR:?message}` → `required`. */
function interpolate(value: string, required = 'set-by-the-user-0123456789'): { value: string; variables: string[] } {
  const variables: string[] = [];
  const result = value.replace(/\$\{([A-Z_][A-Z0-9_]*)(?::?([-?])([^}]*))?\}/g, (_all, name: string, kind?: string, rest?: string) => {
    variables.push(name);
    if (kind === '-') return rest ?? '';
    if (kind === '?') return required;
    throw new Error(`\${${name}} has no default in docker-compose.yml: ${value}`);
  });
  expect(result, `unresolved $ in ${value}`).not.toContain('$');
  return { value: result, variables };
}

/** `published:target` (an optional host address first), not splitting inside `${VAR:-default}`. */
function portParts(mapping: string): string[] {
  return mapping.match(/(?:\$\{[^}]*\}|[^:])+/g) ?? [];
}

/** `20s`, `1m30s`, `1500ms` → milliseconds. */
function durationMs(text: string): number {
  const units: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(us|ms|s|m|h)/g)];
  expect(parts.map((part) => part[0]).join(''), `duration ${text}`).toBe(text);
  return parts.reduce((sum, part) => sum + Number(part[1]) * units[part[2]!]!, 0);
}

describe('docker-compose.yml', () => {
  it('sets only schema variables in the proxy environment, and they parse over .env', () => {
    const names = Object.keys(proxyService.environment);
    expect(names.filter((name) => !SCHEMA_VARIABLES.has(name)), 'not in the schema').toEqual([]);
    const resolved = Object.fromEntries(Object.entries(proxyService.environment).map(([name, value]) => [name, interpolate(value).value]));
    // Compose gives the container env_file first, then environment on top.
    const config = parseConfig({ ...envExampleRecord, ...resolved });
    expect(config).toMatchObject({ CACHE_BACKEND: 'redis', REDIS_URL: 'redis://redis:6379', HOST: '0.0.0.0', ADMIN_HOST: '0.0.0.0' });
    expect(proxyService.env_file).toEqual('.env');
  });

  it('refuses to start without ADMIN_API_KEY, since the admin port is published', () => {
    expect(proxyService.environment.ADMIN_API_KEY).toMatch(/^\$\{ADMIN_API_KEY:\?[^}]+\}$/);
  });

  it("publishes PORT and ADMIN_PORT on the same numbers inside and outside, by default the schema's", () => {
    const mappings = proxyService.ports.map((port) => {
      const parts = portParts(port);
      expect(parts, port).toHaveLength(2);
      const [published, target] = parts.map((part) => interpolate(part));
      return { variables: [...published!.variables, ...target!.variables], published: Number(published!.value), target: Number(target!.value) };
    });
    expect(mappings.map((m) => m.variables)).toEqual([
      ['PORT', 'PORT'],
      ['ADMIN_PORT', 'ADMIN_PORT'],
    ]);
    expect(mappings.map((m) => [m.published, m.target])).toEqual([
      [DEFAULTS.PORT, DEFAULTS.PORT],
      [DEFAULTS.ADMIN_PORT, DEFAULTS.ADMIN_PORT],
    ]);
    // The container listens where the mappings point: the same interpolation feeds its PORT/ADMIN_PORT.
    expect(proxyService.environment.PORT).toBe(portParts(proxyService.ports[0]!)[1]);
    expect(proxyService.environment.ADMIN_PORT).toBe(portParts(proxyService.ports[1]!)[1]);
  });

  it('starts the proxy once Redis is healthy, and Redis is a bounded, non-persistent LRU of expiring keys', () => {
    expect(proxyService.depends_on.redis).toEqual({ condition: 'service_healthy' });
    const redis = compose.services.redis;
    expect(redis.image).toMatch(/^redis:7\b/);
    expect(redis.healthcheck.test.join(' ')).toMatch(/redis-cli ping/);
    const command = redis.command.join(' ');
    expect(command).toMatch(/--maxmemory \d+[kmg]b\b/);
    expect(command).toContain('--maxmemory-policy volatile-lru');
    expect(redis.command.slice(redis.command.indexOf('--save'), redis.command.indexOf('--save') + 2)).toEqual(['--save', '']);
    expect(command).toContain('--appendonly no');
  });

  it('waits longer than the shutdown drain before killing the proxy, and restarts it', () => {
    expect(durationMs(proxyService.stop_grace_period)).toBeGreaterThan(DEFAULTS.SHUTDOWN_TIMEOUT_MS);
    expect(proxyService.restart).toMatch(/^(always|unless-stopped|on-failure(:\d+)?)$/);
  });
});

// ---------------------------------------------------------------------------------------------------
// Health checks: the same command in the Dockerfile and compose, and it works against the real admin listener.

function runHealthcheck(script: string, adminPort: number): Promise<number> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['-e', script], { env: { PATH: process.env.PATH ?? '', ADMIN_PORT: String(adminPort) }, timeout: 10_000 }, (error) => {
      resolve(error ? (typeof error.code === 'number' ? error.code : 1) : 0);
    });
  });
}

describe('health checks', () => {
  let proxy: TestProxy | undefined;
  let server: Server | undefined;
  afterEach(async () => {
    await proxy?.close();
    proxy = undefined;
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  });

  it('are one command, in Node, on /health of the admin listener at 127.0.0.1:$ADMIN_PORT', () => {
    const command = dockerHealthcheck();
    expect(proxyService.healthcheck.test).toEqual(['CMD', ...command]);
    expect(command.slice(0, 2)).toEqual(['node', '-e']);
    const script = command[2]!;
    expect(script).toContain("'http://127.0.0.1:'");
    expect(script).toContain(`process.env.ADMIN_PORT || '${DEFAULTS.ADMIN_PORT}'`);
    expect(script).toContain("'/health'");
  });

  it('ask a route the admin listener has, without the API key', () => {
    const openapi = z
      .object({ paths: z.record(z.string(), z.record(z.string(), z.unknown())) })
      .parse(JSON.parse(readFileSync(`${PROXY_ROOT}openapi.json`, 'utf8')));
    const health = z.object({ security: z.array(z.unknown()).optional() }).optional().parse(openapi.paths['/health']?.get);
    expect(health, 'GET /health in openapi.json').toBeDefined();
    expect(health!.security ?? []).toEqual([]);
  });

  it('pass against the real admin listener, API key set', async () => {
    proxy = await startProxy({ ADMIN_API_KEY: 'deploy-files-test-key' });
    const port = Number(new URL(proxy.adminUrl).port);
    expect(await runHealthcheck(dockerHealthcheck()[2]!, port)).toBe(0);
  });

  it('fail on a non-2xx answer and when nothing listens', async () => {
    server = createServer((_req, res) => {
      res.statusCode = 503;
      res.end();
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    expect(await runHealthcheck(dockerHealthcheck()[2]!, port)).toBe(1);
    await new Promise<void>((resolve) => server!.close(() => resolve()));
    server = undefined;
    expect(await runHealthcheck(dockerHealthcheck()[2]!, port)).toBe(1);
  });
});

// ---------------------------------------------------------------------------------------------------
// .dockerignore

describe('.dockerignore', () => {
  it('keeps installed and built output, secrets and the repository history out of the build context', () => {
    const patterns = repoFile('.dockerignore')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'));
    for (const pattern of ['**/node_modules', '**/dist', '**/.turbo', '**/coverage', '.git', '.env', '.env.*']) {
      expect(patterns, pattern).toContain(pattern);
    }
  });
});
