import { availableParallelism } from 'node:os';
import { z } from 'zod';

/**
 * The one schema of the process configuration and the only reader of `process.env`.
 * Every default lives here; the README's configuration table mirrors it.
 */

const BYTE_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  kb: 1000,
  mb: 1000 ** 2,
  gb: 1000 ** 3,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
};

/** Parses `1048576`, `512KiB`, `64MiB`, `1GB` into bytes; undefined when malformed. */
export function parseByteSize(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  if (!match) return undefined;
  const unit = BYTE_UNITS[(match[2] ?? '').toLowerCase()];
  if (unit === undefined) return undefined;
  const bytes = Math.floor(Number(match[1]) * unit);
  return Number.isSafeInteger(bytes) ? bytes : undefined;
}

function integer(name: string, defaultValue: number, min: number, max = Number.MAX_SAFE_INTEGER) {
  return z
    .string()
    .default(String(defaultValue))
    .transform((raw, ctx) => {
      const value = Number(raw.trim());
      if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || value < min || value > max) {
        ctx.addIssue({
          code: 'custom',
          message: `expected ${name} to be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`,
        });
        return z.NEVER;
      }
      return value;
    });
}

function byteSize(name: string, defaultValue: string, min: number) {
  return z
    .string()
    .default(defaultValue)
    .transform((raw, ctx) => {
      const value = parseByteSize(raw);
      if (value === undefined || value < min) {
        ctx.addIssue({
          code: 'custom',
          message: `expected ${name} to be a size of at least ${min} bytes (e.g. 1048576, 512KiB, 64MiB, 1GB), got ${JSON.stringify(raw)}`,
        });
        return z.NEVER;
      }
      return value;
    });
}

function boolean(name: string, defaultValue: boolean) {
  return z
    .string()
    .default(String(defaultValue))
    .transform((raw, ctx) => {
      const normalized = raw.trim().toLowerCase();
      if (['true', '1', 'yes', 'on'].includes(normalized)) return true;
      if (['false', '0', 'no', 'off', ''].includes(normalized)) return false;
      ctx.addIssue({ code: 'custom', message: `expected ${name} to be true or false, got ${JSON.stringify(raw)}` });
      return z.NEVER;
    });
}

function isOneOf<T extends readonly string[]>(values: T, value: string): value is T[number] {
  return values.includes(value);
}

function oneOf<const T extends readonly [string, ...string[]]>(name: string, values: T, defaultValue: T[number]) {
  return z
    .string()
    .default(defaultValue)
    .transform((raw, ctx): T[number] => {
      const normalized = raw.trim().toLowerCase();
      if (isOneOf(values, normalized)) return normalized;
      ctx.addIssue({
        code: 'custom',
        message: `expected ${name} to be one of ${values.join(', ')}, got ${JSON.stringify(raw)}`,
      });
      return z.NEVER;
    });
}

function nonEmptyHost(name: string, defaultValue: string) {
  return z
    .string()
    .default(defaultValue)
    .transform((raw, ctx) => {
      const value = raw.trim();
      if (value === '' || /[\s/]/.test(value)) {
        ctx.addIssue({ code: 'custom', message: `expected ${name} to be a host name or IP address, got ${JSON.stringify(raw)}` });
        return z.NEVER;
      }
      return value;
    });
}

/** `a.example.com, *.internal, 10.0.0.5` → lowercase host patterns. */
function hostList(name: string) {
  return z
    .string()
    .default('')
    .transform((raw, ctx) => {
      const hosts = raw
        .split(',')
        .map((h) => h.trim().toLowerCase())
        .filter((h) => h !== '');
      const bad = hosts.filter((h) => !/^(\*\.)?[a-z0-9.\-_:[\]]+$/.test(h));
      if (bad.length > 0) {
        ctx.addIssue({
          code: 'custom',
          message: `expected ${name} to be a comma-separated list of host names, *.suffix patterns or IP addresses, got ${JSON.stringify(bad.join(','))}`,
        });
        return z.NEVER;
      }
      return hosts;
    });
}

function url(name: string, defaultValue: string, schemes: readonly string[]) {
  return z
    .string()
    .default(defaultValue)
    .transform((raw, ctx) => {
      try {
        const parsed = new URL(raw.trim());
        if (schemes.includes(parsed.protocol.slice(0, -1))) return raw.trim();
      } catch {
        // reported below
      }
      ctx.addIssue({
        code: 'custom',
        message: `expected ${name} to be a ${schemes.join('/')} URL, got ${JSON.stringify(raw)}`,
      });
      return z.NEVER;
    });
}

/** `CDN-Cache-Control, Acme-Cache-Control` → lowercase field names, in order. */
function headerNameList(name: string, defaultValue: string) {
  return z
    .string()
    .default(defaultValue)
    .transform((raw, ctx) => {
      const names = raw
        .split(',')
        .map((n) => n.trim().toLowerCase())
        .filter((n) => n !== '');
      const bad = names.filter((n) => !/^[!#$%&'*+.^_`|~0-9a-z-]+$/.test(n));
      if (bad.length > 0) {
        ctx.addIssue({
          code: 'custom',
          message: `expected ${name} to be a comma-separated list of header field names, got ${JSON.stringify(raw)}`,
        });
        return z.NEVER;
      }
      return names;
    });
}

/** `host:port,host:port` (IPv6 as `[::1]:26379`) → [{ host, port }]. */
function hostPortList(name: string) {
  return z
    .string()
    .default('')
    .transform((raw, ctx) => {
      const members = raw
        .split(',')
        .map((m) => m.trim())
        .filter((m) => m !== '');
      const parsed: { host: string; port: number }[] = [];
      for (const member of members) {
        const match = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(member);
        const port = Number(match?.[2]);
        if (!match || port < 1 || port > 65535) {
          ctx.addIssue({
            code: 'custom',
            message: `expected ${name} to be a comma-separated list of host:port, got ${JSON.stringify(member)}`,
          });
          return z.NEVER;
        }
        parsed.push({ host: match[1]!.replace(/^\[|\]$/g, ''), port });
      }
      return parsed;
    });
}

/** An optional http(s) base URL without query or fragment; empty means unset. */
function optionalUrl(name: string, schemes: readonly string[]) {
  return z
    .string()
    .optional()
    .transform((raw, ctx): URL | undefined => {
      if (raw === undefined || raw.trim() === '') return undefined;
      try {
        const parsed = new URL(raw.trim());
        if (schemes.includes(parsed.protocol.slice(0, -1)) && parsed.search === '' && parsed.hash === '' && !parsed.username) {
          return parsed;
        }
      } catch {
        // reported below
      }
      ctx.addIssue({
        code: 'custom',
        message: `expected ${name} to be a ${schemes.join('/')} URL without query, fragment or credentials (e.g. http://app:3000), got ${JSON.stringify(raw)}`,
      });
      return z.NEVER;
    });
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export const ConfigSchema = z
  .object({
    HOST: nonEmptyHost('HOST', '0.0.0.0'),
    PORT: integer('PORT', 8000, 0, 65535),
    ADMIN_HOST: nonEmptyHost('ADMIN_HOST', '127.0.0.1'),
    ADMIN_PORT: integer('ADMIN_PORT', 8001, 0, 65535),
    ADMIN_API_KEY: z
      .string()
      .optional()
      .transform((raw) => (raw && raw.trim() !== '' ? raw.trim() : undefined)),
    CACHE_BACKEND: oneOf('CACHE_BACKEND', ['memory', 'redis'], 'memory'),
    CACHE_TTL: integer('CACHE_TTL', 300, 0),
    MAX_CACHE_SIZE: integer('MAX_CACHE_SIZE', 1000, 1),
    MAX_CACHE_BYTES: byteSize('MAX_CACHE_BYTES', '256MiB', 1024),
    MAX_OBJECT_BYTES: byteSize('MAX_OBJECT_BYTES', '8MiB', 0),
    MAX_ENVELOPE_BYTES: byteSize('MAX_ENVELOPE_BYTES', '10MiB', 1024),
    CACHE_STALE_RETENTION: integer('CACHE_STALE_RETENTION', 3600, 0),
    CACHE_TARGETED_FIELDS: headerNameList('CACHE_TARGETED_FIELDS', 'CDN-Cache-Control'),
    ORIGIN_URL: optionalUrl('ORIGIN_URL', ['http', 'https']),
    REDIS_URL: url('REDIS_URL', 'redis://localhost:6379', ['redis', 'rediss']),
    REDIS_SENTINELS: hostPortList('REDIS_SENTINELS'),
    REDIS_SENTINEL_NAME: z.string().default('mymaster').transform((raw) => raw.trim() || 'mymaster'),
    REDIS_SENTINEL_PASSWORD: z
      .string()
      .optional()
      .transform((raw) => (raw && raw !== '' ? raw : undefined)),
    REDIS_CLUSTER_NODES: hostPortList('REDIS_CLUSTER_NODES'),
    REDIS_KEY_PREFIX: z
      .string()
      .default('caching-proxy:')
      .transform((raw, ctx) => {
        if (!/^[\x21-\x7e]{1,64}$/.test(raw) || /[{}*?[\]]/.test(raw)) {
          ctx.addIssue({
            code: 'custom',
            message: `expected REDIS_KEY_PREFIX to be 1-64 printable characters without spaces, braces or glob characters, got ${JSON.stringify(raw)}`,
          });
          return z.NEVER;
        }
        return raw;
      }),
    REDIS_COMMAND_TIMEOUT_MS: integer('REDIS_COMMAND_TIMEOUT_MS', 250, 10, 60_000),
    L1_MAX_BYTES: byteSize('L1_MAX_BYTES', '64MiB', 0),
    ALLOW_PRIVATE_NETWORKS: boolean('ALLOW_PRIVATE_NETWORKS', false),
    ALLOWED_HOSTS: hostList('ALLOWED_HOSTS'),
    UPSTREAM_TIMEOUT_MS: integer('UPSTREAM_TIMEOUT_MS', 30_000, 1),
    SHUTDOWN_TIMEOUT_MS: integer('SHUTDOWN_TIMEOUT_MS', 10_000, 0),
    LOG_LEVEL: oneOf('LOG_LEVEL', LOG_LEVELS, 'info'),
    WORKERS: z
      .string()
      .default('1')
      .transform((raw, ctx) => {
        const value = raw.trim().toLowerCase();
        if (value === 'auto') return availableParallelism();
        if (/^\d+$/.test(value) && Number(value) >= 1 && Number(value) <= 256) return Number(value);
        ctx.addIssue({ code: 'custom', message: `expected WORKERS to be a number from 1 to 256 or "auto", got ${JSON.stringify(raw)}` });
        return z.NEVER;
      }),
    WARM_URLS_FILE: z
      .string()
      .optional()
      .transform((raw) => (raw && raw.trim() !== '' ? raw.trim() : undefined)),
    WEBSOCKET_IDLE_TIMEOUT_MS: integer('WEBSOCKET_IDLE_TIMEOUT_MS', 60_000, 1),
  })
  .superRefine((config, ctx) => {
    if (config.REDIS_SENTINELS.length > 0 && config.REDIS_CLUSTER_NODES.length > 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['REDIS_CLUSTER_NODES'],
        message: 'expected either REDIS_SENTINELS or REDIS_CLUSTER_NODES, not both',
      });
    }
    if (config.WORKERS > 1 && config.CACHE_BACKEND !== 'redis') {
      ctx.addIssue({
        code: 'custom',
        path: ['WORKERS'],
        message: 'expected CACHE_BACKEND=redis with WORKERS > 1: worker processes share their cache through Redis',
      });
    }
    if (config.MAX_OBJECT_BYTES > config.MAX_CACHE_BYTES && config.CACHE_BACKEND === 'memory') {
      ctx.addIssue({
        code: 'custom',
        path: ['MAX_OBJECT_BYTES'],
        message: `expected MAX_OBJECT_BYTES (${config.MAX_OBJECT_BYTES}) to be at most MAX_CACHE_BYTES (${config.MAX_CACHE_BYTES})`,
      });
    }
  });

export type Config = z.output<typeof ConfigSchema>;
export type ConfigInput = Partial<Record<keyof z.input<typeof ConfigSchema>, string>>;
export type LogLevel = Config['LOG_LEVEL'];

/** Every variable the schema reads, in table order. */
export const CONFIG_VARIABLES = Object.keys(ConfigSchema.shape) as (keyof Config)[];

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses an environment-like record; throws one ConfigError naming every bad variable. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const input: Record<string, string | undefined> = {};
  for (const name of CONFIG_VARIABLES) input[name] = env[name];
  const result = ConfigSchema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const variable = String(issue.path[0] ?? 'configuration');
    return issue.message.includes(variable) ? issue.message : `${variable}: ${issue.message}`;
  });
  throw new ConfigError(problems);
}

/** Reads the configuration from the process environment. */
export function loadConfig(): Config {
  return parseConfig(process.env);
}
