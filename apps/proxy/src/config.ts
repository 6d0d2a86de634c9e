import { resolve as resolvePath } from 'node:path';
import { availableParallelism } from 'node:os';
import ipaddr from 'ipaddr.js';
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

/** Returned by a setting's parser for text it refuses. */
const INVALID = Symbol('invalid');
type Parse<T> = (raw: string) => T | typeof INVALID;

/**
 * One environment variable: the text it defaults to when unset (as the environment would give
 * it), the parser of its text, and what it expects, for the one message of every refusal:
 * `expected NAME to be <expected>, got "<raw>"`. Every setting of the schema is made here.
 */
function setting<T>(name: string, defaultText: string, parse: Parse<T>, expected: string) {
  return z
    .string()
    .default(defaultText)
    .transform((raw, ctx): T => {
      const value = parse(raw);
      if (value !== INVALID) return value;
      ctx.addIssue({ code: 'custom', message: `expected ${name} to be ${expected}, got ${JSON.stringify(raw)}` });
      return z.NEVER;
    });
}

/** `a, b,, c` → trimmed members, empty ones dropped; INVALID when one member is refused. */
function parseList<T>(raw: string, parseMember: (member: string) => T | typeof INVALID): T[] | typeof INVALID {
  const members: T[] = [];
  for (const text of raw.split(',')) {
    if (text.trim() === '') continue;
    const member = parseMember(text.trim());
    if (member === INVALID) return INVALID;
    members.push(member);
  }
  return members;
}

function parseUrl(raw: string, schemes: readonly string[]): URL | typeof INVALID {
  try {
    const parsed = new URL(raw.trim());
    return schemes.includes(parsed.protocol.slice(0, -1)) ? parsed : INVALID;
  } catch {
    return INVALID;
  }
}

/** Optional trimmed text: blank means unset. */
const optionalText = (raw: string) => (raw.trim() === '' ? undefined : raw.trim());

// Shorthands over `setting`, one per kind of value the schema reads: parser and expected text only.

function integer(name: string, defaultValue: number, min: number, max = Number.MAX_SAFE_INTEGER) {
  return setting(
    name,
    String(defaultValue),
    (raw) => (/^\d+$/.test(raw.trim()) && Number(raw) >= min && Number(raw) <= max ? Number(raw) : INVALID),
    `an integer from ${min} to ${max}`,
  );
}

function byteSize(name: string, defaultValue: string, min: number) {
  return setting(
    name,
    defaultValue,
    (raw) => {
      const bytes = parseByteSize(raw);
      return bytes !== undefined && bytes >= min ? bytes : INVALID;
    },
    `a size of at least ${min} bytes (e.g. 1048576, 512KiB, 64MiB, 1GB)`,
  );
}

const TRUE = ['true', '1', 'yes', 'on'];
const FALSE = ['false', '0', 'no', 'off', ''];

function boolean(name: string, defaultValue: boolean) {
  return setting(
    name,
    String(defaultValue),
    (raw) => (TRUE.includes(raw.trim().toLowerCase()) ? true : FALSE.includes(raw.trim().toLowerCase()) ? false : INVALID),
    'true or false',
  );
}

function oneOf<const T extends readonly [string, ...string[]]>(name: string, values: T, defaultValue: T[number]) {
  const isValue = (value: string): value is T[number] => values.includes(value);
  return setting(
    name,
    defaultValue,
    (raw) => {
      const value = raw.trim().toLowerCase();
      return isValue(value) ? value : INVALID;
    },
    `one of ${values.join(', ')}`,
  );
}

function nonEmptyHost(name: string, defaultValue: string) {
  return setting(name, defaultValue, (raw) => (raw.trim() === '' || /[\s/]/.test(raw.trim()) ? INVALID : raw.trim()), 'a host name or IP address');
}

/**
 * One member of a host list: a name, a `*.suffix` pattern or an IP literal, never with a port
 * (entries match the host whatever the port, so `127.0.0.1:29300` would never match). The only
 * members with a `:` are IPv6 literals, bare (`::1`) or bracketed (`[::1]`).
 */
function hostListMember(member: string): string | typeof INVALID {
  if (!/^(\*\.)?[a-z0-9.\-_:[\]]+$/.test(member)) return INVALID;
  if (!member.includes(':') && !/[[\]]/.test(member)) return member;
  const bare = /^\[(.*)\]$/.exec(member)?.[1] ?? member;
  return ipaddr.IPv6.isValid(bare) ? member : INVALID;
}

/** `a.example.com, *.internal, 10.0.0.5, ::1` → lowercase host patterns. */
function hostList(name: string) {
  return setting(
    name,
    '',
    (raw) => parseList(raw.toLowerCase(), hostListMember),
    'a comma-separated list of host names, *.suffix patterns or IP addresses, without ports ' +
      '(an entry matches its host on any port: 127.0.0.1, not 127.0.0.1:8080; IPv6 as ::1 or [::1])',
  );
}

/** `CDN-Cache-Control, Acme-Cache-Control` → lowercase field names, in order. */
function headerNameList(name: string, defaultValue: string) {
  return setting(
    name,
    defaultValue,
    (raw) => parseList(raw.toLowerCase(), (n) => (/^[!#$%&'*+.^_`|~0-9a-z-]+$/.test(n) ? n : INVALID)),
    'a comma-separated list of header field names',
  );
}

/** `host:port,host:port` (IPv6 as `[::1]:26379`) → [{ host, port }]. */
function hostPortList(name: string) {
  return setting(
    name,
    '',
    (raw) =>
      parseList(raw, (member) => {
        const match = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(member);
        const port = Number(match?.[2]);
        return match && port >= 1 && port <= 65535 ? { host: match[1]!.replace(/^\[|\]$/g, ''), port } : INVALID;
      }),
    'a comma-separated list of host:port',
  );
}

function url(name: string, defaultValue: string, schemes: readonly string[]) {
  return setting(name, defaultValue, (raw) => (parseUrl(raw, schemes) === INVALID ? INVALID : raw.trim()), `a ${schemes.join('/')} URL`);
}

/** An optional base URL without query, fragment or credentials, as its href; empty means unset. */
function optionalUrl(name: string, schemes: readonly string[]) {
  return setting(
    name,
    '',
    (raw) => {
      if (raw.trim() === '') return undefined;
      const parsed = parseUrl(raw, schemes);
      return parsed !== INVALID && parsed.search === '' && parsed.hash === '' && !parsed.username ? parsed.href : INVALID;
    },
    `a ${schemes.join('/')} URL without query, fragment or credentials (e.g. http://app:3000)`,
  );
}

/** Shorter admin keys are refused: the key guards purge, clear and warm on a shared cache. */
export const MIN_ADMIN_API_KEY_LENGTH = 16;

/** `403, 500` → a set of HTTP statuses (100-599). */
function statusList(name: string) {
  return setting(
    name,
    '',
    (raw) => {
      const members = parseList(raw, (m) => (/^[1-5]\d\d$/.test(m) ? Number(m) : INVALID));
      return members === INVALID ? INVALID : new Set(members);
    },
    'a comma-separated list of HTTP statuses (100-599)',
  );
}

/** `10.0.0.0/8, 192.0.2.7` → CIDR networks (a bare address is a one-address network). */
function networkList(name: string, defaultText = '') {
  return setting(
    name,
    defaultText,
    (raw) =>
      parseList(raw, (member): [ipaddr.IPv4 | ipaddr.IPv6, number] | typeof INVALID => {
        try {
          if (member.includes('/')) return ipaddr.parseCIDR(member);
          const address = ipaddr.parse(member);
          return [address, address.kind() === 'ipv4' ? 32 : 128];
        } catch {
          return INVALID;
        }
      }),
    'a comma-separated list of IP addresses or CIDR networks (10.0.0.0/8)',
  );
}

/** Squid's default `localnet` plus loopback: the client networks allowed to use the forward modes. */
const DEFAULT_DATA_ALLOWED_CLIENTS =
  '127.0.0.0/8,::1/128,10.0.0.0/8,100.64.0.0/10,172.16.0.0/12,192.168.0.0/16,169.254.0.0/16,fc00::/7,fe80::/10';

/** `ci:key1,web:key2` → named keys; the bad member when malformed. */
function parseNamedKeys(raw: string): { name: string; key: string }[] | string {
  const keys: { name: string; key: string }[] = [];
  for (const member of raw.split(',').map((m) => m.trim()).filter((m) => m !== '')) {
    const match = /^([A-Za-z0-9._-]{1,64}):([\x21-\x7e]{16,})$/.exec(member);
    if (!match) return member.replace(/:.*/, ':…');
    keys.push({ name: match[1]!, key: match[2]! });
  }
  return keys;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export const ConfigSchema = z
  .object({
    HOST: nonEmptyHost('HOST', '0.0.0.0'),
    PORT: integer('PORT', 8000, 0, 65535),
    ADMIN_HOST: nonEmptyHost('ADMIN_HOST', '127.0.0.1'),
    ADMIN_PORT: integer('ADMIN_PORT', 8001, 0, 65535),
    ADMIN_API_KEY: setting('ADMIN_API_KEY', '', optionalText, 'a key'),
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
    REDIS_SENTINEL_NAME: setting('REDIS_SENTINEL_NAME', 'mymaster', (raw) => raw.trim() || 'mymaster', 'a name'),
    REDIS_SENTINEL_PASSWORD: setting('REDIS_SENTINEL_PASSWORD', '', (raw) => (raw === '' ? undefined : raw), 'a password'),
    REDIS_CLUSTER_NODES: hostPortList('REDIS_CLUSTER_NODES'),
    REDIS_KEY_PREFIX: setting(
      'REDIS_KEY_PREFIX',
      'caching-proxy:',
      (raw) => (/^[\x21-\x7e]{1,64}$/.test(raw) && !/[{}*?[\]]/.test(raw) ? raw : INVALID),
      '1-64 printable characters without spaces, braces or glob characters',
    ),
    REDIS_COMMAND_TIMEOUT_MS: integer('REDIS_COMMAND_TIMEOUT_MS', 250, 10, 60_000),
    L1_MAX_BYTES: byteSize('L1_MAX_BYTES', '64MiB', 0),
    ALLOW_PRIVATE_NETWORKS: boolean('ALLOW_PRIVATE_NETWORKS', false),
    ALLOWED_HOSTS: hostList('ALLOWED_HOSTS'),
    UPSTREAM_TIMEOUT_MS: integer('UPSTREAM_TIMEOUT_MS', 30_000, 1),
    SHUTDOWN_TIMEOUT_MS: integer('SHUTDOWN_TIMEOUT_MS', 10_000, 0),
    LOG_LEVEL: oneOf('LOG_LEVEL', LOG_LEVELS, 'info'),
    WORKERS: setting(
      'WORKERS',
      '1',
      (raw) => {
        const value = raw.trim().toLowerCase();
        if (value === 'auto') return availableParallelism();
        return /^\d+$/.test(value) && Number(value) >= 1 && Number(value) <= 256 ? Number(value) : INVALID;
      },
      'a number from 1 to 256 or "auto"',
    ),
    WARM_URLS_FILE: setting('WARM_URLS_FILE', '', optionalText, 'a file path'),
    CACHE_EXTRA_STATUSES: statusList('CACHE_EXTRA_STATUSES'),
    TRUSTED_PROXIES: networkList('TRUSTED_PROXIES'),
    PUBLIC_HOSTS: hostList('PUBLIC_HOSTS'),
    MAX_URL_BYTES: byteSize('MAX_URL_BYTES', '8KiB', 256),
    MAX_REQUEST_HEADERS: integer('MAX_REQUEST_HEADERS', 100, 8, 1000),
    CLIENT_HEADER_TIMEOUT_MS: integer('CLIENT_HEADER_TIMEOUT_MS', 10_000, 1, 600_000),
    CLIENT_BODY_TIMEOUT_MS: integer('CLIENT_BODY_TIMEOUT_MS', 10_000, 1, 600_000),
    UPSTREAM_RESPONSE_DEADLINE_MS: integer('UPSTREAM_RESPONSE_DEADLINE_MS', 300_000, 1),
    DATA_ALLOWED_CLIENTS: networkList('DATA_ALLOWED_CLIENTS', DEFAULT_DATA_ALLOWED_CLIENTS),
    DATA_API_KEYS: z
      .string()
      .default('')
      .transform((raw, ctx) => {
        const keys = parseNamedKeys(raw);
        if (typeof keys === 'string') {
          ctx.addIssue({
            code: 'custom',
            message: `expected DATA_API_KEYS to be a comma-separated list of name:key (name of letters, digits, . _ -; key of at least 16 characters), got an invalid member ${JSON.stringify(keys)}`,
          });
          return z.NEVER;
        }
        return keys;
      }),
    TARGET_ALLOWED_HOSTS: hostList('TARGET_ALLOWED_HOSTS'),
    ADMIN_ALLOWED_HOSTS: hostList('ADMIN_ALLOWED_HOSTS'),
    ADMIN_AUTH_FAILURE_LIMIT: integer('ADMIN_AUTH_FAILURE_LIMIT', 10, 1, 1_000_000),
    ADMIN_AUTH_FAILURE_WINDOW_MS: integer('ADMIN_AUTH_FAILURE_WINDOW_MS', 60_000, 1, 86_400_000),
    WEBSOCKET_IDLE_TIMEOUT_MS: integer('WEBSOCKET_IDLE_TIMEOUT_MS', 60_000, 1),
    CACHE_RULES_FILE: setting('CACHE_RULES_FILE', '', optionalText, 'a file path'),
    GRAPHQL_MAX_BODY_BYTES: byteSize('GRAPHQL_MAX_BODY_BYTES', '64KiB', 0),
    FILL_BUFFER_BYTES: byteSize('FILL_BUFFER_BYTES', '64MiB', 0),
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
    if (config.PORT === config.ADMIN_PORT && config.PORT !== 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['ADMIN_PORT'],
        message: `expected ADMIN_PORT to differ from PORT, got ${config.PORT} for both: the data port and the admin listener need a port each`,
      });
    }
    if (config.ADMIN_API_KEY !== undefined && config.ADMIN_API_KEY.length < MIN_ADMIN_API_KEY_LENGTH) {
      ctx.addIssue({
        code: 'custom',
        path: ['ADMIN_API_KEY'],
        // The key itself is never echoed: it may be a real (if weak) secret.
        message: `expected ADMIN_API_KEY to be at least ${MIN_ADMIN_API_KEY_LENGTH} characters, got ${config.ADMIN_API_KEY.length} (generate one with: openssl rand -hex 32)`,
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

/** Recursively readonly: the parsed configuration is deep-frozen. */
/** Read-only all the way down; sets and IP addresses are values with methods, kept as they are. */
type DeepReadonly<T> = T extends ReadonlySet<infer M>
  ? ReadonlySet<M>
  : T extends ipaddr.IPv4 | ipaddr.IPv6
    ? T
    : T extends object
      ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
      : T;

export type Config = DeepReadonly<z.output<typeof ConfigSchema>>;
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

/** Freezes a parsed value and every object and array it holds (they are all plain data). */
function deepFreeze<T>(value: T): DeepReadonly<T> {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const member of Object.values(value)) deepFreeze(member);
    Object.freeze(value);
  }
  return value as DeepReadonly<T>;
}

/** Settings that name a file. */
const FILE_SETTINGS = ['WARM_URLS_FILE', 'CACHE_RULES_FILE'] as const;

/**
 * Makes the file settings absolute: a relative path is resolved against the directory the user
 * ran `npm start` from (npm's `INIT_CWD`; npm runs the server inside its workspace folder), else
 * the working directory — so `CACHE_RULES_FILE=rules.yaml npm start` reads ./rules.yaml.
 */
function resolveFilePaths<T extends Partial<Record<(typeof FILE_SETTINGS)[number], string | undefined>>>(
  config: T,
  initCwd: string | undefined,
): T {
  const base = initCwd !== undefined && initCwd.trim() !== '' ? initCwd : process.cwd();
  for (const name of FILE_SETTINGS) {
    const file = config[name];
    if (file !== undefined) config[name] = resolvePath(base, file);
  }
  return config;
}

/**
 * Parses an environment-like record into the deep-frozen configuration; throws one ConfigError
 * naming every bad variable.
 */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const input: Record<string, string | undefined> = {};
  for (const name of CONFIG_VARIABLES) input[name] = env[name];
  const result = ConfigSchema.safeParse(input);
  if (result.success) return deepFreeze(resolveFilePaths(result.data, env.INIT_CWD));
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
