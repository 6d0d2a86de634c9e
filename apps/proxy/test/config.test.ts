import { describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES, ConfigError, parseByteSize, parseConfig } from '../src/config.js';

/** Runs parseConfig and returns the ConfigError it throws. */
function configErrorOf(env: Record<string, string | undefined>): ConfigError {
  try {
    parseConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError, but the configuration was accepted');
}

describe('parseConfig defaults', () => {
  it('gives every variable its documented default when the environment is empty', () => {
    expect(parseConfig({})).toEqual({
      HOST: '0.0.0.0',
      PORT: 8000,
      ADMIN_HOST: '127.0.0.1',
      ADMIN_PORT: 8001,
      ADMIN_API_KEY: undefined,
      CACHE_BACKEND: 'memory',
      CACHE_TTL: 300,
      MAX_CACHE_SIZE: 1000,
      MAX_CACHE_BYTES: 256 * 1024 ** 2,
      MAX_OBJECT_BYTES: 8 * 1024 ** 2,
      MAX_ENVELOPE_BYTES: 10 * 1024 ** 2,
      CACHE_STALE_RETENTION: 3600,
      CACHE_TARGETED_FIELDS: ['cdn-cache-control'],
      ORIGIN_URL: undefined,
      REDIS_SENTINELS: [],
      REDIS_SENTINEL_NAME: 'mymaster',
      REDIS_SENTINEL_PASSWORD: undefined,
      REDIS_CLUSTER_NODES: [],
      REDIS_KEY_PREFIX: 'caching-proxy:',
      REDIS_COMMAND_TIMEOUT_MS: 250,
      L1_MAX_BYTES: 64 * 1024 ** 2,
      REDIS_URL: 'redis://localhost:6379',
      ALLOW_PRIVATE_NETWORKS: false,
      ALLOWED_HOSTS: [],
      UPSTREAM_TIMEOUT_MS: 30_000,
      SHUTDOWN_TIMEOUT_MS: 10_000,
      LOG_LEVEL: 'info',
      WARM_URLS_FILE: undefined,
      WEBSOCKET_IDLE_TIMEOUT_MS: 60_000,
      WORKERS: 1,
    });
  });

  it('lists every variable it reads', () => {
    expect(new Set(CONFIG_VARIABLES)).toEqual(new Set(Object.keys(parseConfig({}))));
  });

  it('ignores unrelated environment variables', () => {
    expect(parseConfig({ PATH: '/usr/bin', HOME: '/root', PORT: '9000' }).PORT).toBe(9000);
  });
});

describe('parseConfig values', () => {
  it('reads integers, trimming whitespace', () => {
    const config = parseConfig({ PORT: ' 8080 ', ADMIN_PORT: '0', CACHE_TTL: '0', MAX_CACHE_SIZE: '5' });
    expect(config.PORT).toBe(8080);
    expect(config.ADMIN_PORT).toBe(0);
    expect(config.CACHE_TTL).toBe(0);
    expect(config.MAX_CACHE_SIZE).toBe(5);
  });

  it('reads byte sizes with decimal and binary units', () => {
    const config = parseConfig({ MAX_CACHE_BYTES: '1GB', MAX_OBJECT_BYTES: '64MiB', MAX_ENVELOPE_BYTES: '512KiB' });
    expect(config.MAX_CACHE_BYTES).toBe(1_000_000_000);
    expect(config.MAX_OBJECT_BYTES).toBe(64 * 1024 * 1024);
    expect(config.MAX_ENVELOPE_BYTES).toBe(512 * 1024);
  });

  it('reads booleans in their usual spellings', () => {
    for (const raw of ['true', 'TRUE', '1', 'yes', 'on']) expect(parseConfig({ ALLOW_PRIVATE_NETWORKS: raw }).ALLOW_PRIVATE_NETWORKS).toBe(true);
    for (const raw of ['false', '0', 'no', 'off', '']) expect(parseConfig({ ALLOW_PRIVATE_NETWORKS: raw }).ALLOW_PRIVATE_NETWORKS).toBe(false);
  });

  it('parses ALLOWED_HOSTS into lowercase host patterns, dropping empty members', () => {
    expect(parseConfig({ ALLOWED_HOSTS: ' A.Example.com, *.Internal ,,10.0.0.5, [::1] ,' }).ALLOWED_HOSTS).toEqual([
      'a.example.com',
      '*.internal',
      '10.0.0.5',
      '[::1]',
    ]);
    expect(parseConfig({ ALLOWED_HOSTS: ' , ' }).ALLOWED_HOSTS).toEqual([]);
  });

  it('treats an empty or blank ADMIN_API_KEY as unset', () => {
    expect(parseConfig({ ADMIN_API_KEY: '' }).ADMIN_API_KEY).toBeUndefined();
    expect(parseConfig({ ADMIN_API_KEY: '   ' }).ADMIN_API_KEY).toBeUndefined();
  });

  it('trims ADMIN_API_KEY', () => {
    expect(parseConfig({ ADMIN_API_KEY: ' s3cret ' }).ADMIN_API_KEY).toBe('s3cret');
  });

  it('reads enum values case-insensitively', () => {
    expect(parseConfig({ CACHE_BACKEND: 'MEMORY', LOG_LEVEL: 'Debug' })).toMatchObject({ CACHE_BACKEND: 'memory', LOG_LEVEL: 'debug' });
  });

  it('accepts redis and rediss URLs', () => {
    expect(parseConfig({ REDIS_URL: 'rediss://cache.example:6380/0' }).REDIS_URL).toBe('rediss://cache.example:6380/0');
  });

  it('accepts MAX_OBJECT_BYTES equal to MAX_CACHE_BYTES', () => {
    expect(parseConfig({ MAX_CACHE_BYTES: '1MiB', MAX_OBJECT_BYTES: '1048576' }).MAX_OBJECT_BYTES).toBe(1_048_576);
  });
});

describe('parseConfig errors', () => {
  it('reports every bad variable in one ConfigError', () => {
    const error = configErrorOf({
      PORT: 'eighty',
      ADMIN_PORT: '70000',
      CACHE_TTL: '-1',
      MAX_CACHE_BYTES: 'lots',
      ALLOW_PRIVATE_NETWORKS: 'maybe',
      LOG_LEVEL: 'loud',
      REDIS_URL: 'http://localhost:6379',
      HOST: 'bad host',
      ALLOWED_HOSTS: 'http://x/',
    });
    const names = ['PORT', 'ADMIN_PORT', 'CACHE_TTL', 'MAX_CACHE_BYTES', 'ALLOW_PRIVATE_NETWORKS', 'LOG_LEVEL', 'REDIS_URL', 'HOST', 'ALLOWED_HOSTS'];
    expect(error.problems).toHaveLength(names.length);
    for (const name of names) {
      expect(error.message).toContain(name);
      expect(error.problems.some((p) => p.includes(name))).toBe(true);
    }
    expect(error.name).toBe('ConfigError');
  });

  it('says what it expected and what it got', () => {
    const error = configErrorOf({ PORT: 'eighty' });
    expect(error.message).toContain('expected PORT to be an integer from 0 to 65535, got "eighty"');
  });

  it.each([
    ['PORT', '65536'],
    ['PORT', '80.5'],
    ['PORT', ''],
    ['MAX_CACHE_SIZE', '0'],
    ['UPSTREAM_TIMEOUT_MS', '0'],
    ['MAX_CACHE_BYTES', '1000'],
    ['MAX_ENVELOPE_BYTES', '10XB'],
    ['CACHE_BACKEND', 'memcached'],
    ['ADMIN_HOST', ''],
    ['REDIS_URL', 'not a url'],
  ])('refuses %s=%j', (name, raw) => {
    const error = configErrorOf({ [name]: raw });
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toContain(name);
  });

  it('reads the Redis settings: Sentinel and Cluster node lists, prefix, timeouts, L1 size', () => {
    const config = parseConfig({
      CACHE_BACKEND: 'redis',
      REDIS_SENTINELS: 'sentinel-a:26379, [::1]:26380',
      REDIS_SENTINEL_NAME: 'cache',
      REDIS_KEY_PREFIX: 'shop:',
      REDIS_COMMAND_TIMEOUT_MS: '100',
      L1_MAX_BYTES: '0',
    });
    expect(config.REDIS_SENTINELS).toEqual([
      { host: 'sentinel-a', port: 26379 },
      { host: '::1', port: 26380 },
    ]);
    expect(config).toMatchObject({ REDIS_SENTINEL_NAME: 'cache', REDIS_KEY_PREFIX: 'shop:', REDIS_COMMAND_TIMEOUT_MS: 100, L1_MAX_BYTES: 0 });
    expect(parseConfig({ REDIS_CLUSTER_NODES: 'a:7000,b:7001' }).REDIS_CLUSTER_NODES).toHaveLength(2);
  });

  it('refuses WORKERS > 1 without the Redis backend, and reads "auto" as one per core', () => {
    expect(configErrorOf({ WORKERS: '2' }).message).toContain('WORKERS');
    expect(parseConfig({ WORKERS: 'auto', CACHE_BACKEND: 'redis' }).WORKERS).toBeGreaterThanOrEqual(1);
    expect(configErrorOf({ WORKERS: 'many' }).message).toContain('WORKERS');
  });

  it('refuses both Sentinel and Cluster nodes, node lists without ports, and prefixes with glob characters', () => {
    expect(configErrorOf({ REDIS_SENTINELS: 'a:1', REDIS_CLUSTER_NODES: 'b:2' }).message).toContain('REDIS_CLUSTER_NODES');
    expect(configErrorOf({ REDIS_CLUSTER_NODES: 'a' }).message).toContain('host:port');
    expect(configErrorOf({ REDIS_KEY_PREFIX: 'bad*' }).message).toContain('REDIS_KEY_PREFIX');
  });

  it('refuses MAX_OBJECT_BYTES larger than MAX_CACHE_BYTES', () => {
    const error = configErrorOf({ MAX_CACHE_BYTES: '1MiB', MAX_OBJECT_BYTES: '2MiB' });
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toContain('MAX_OBJECT_BYTES');
    expect(error.problems[0]).toContain('MAX_CACHE_BYTES');
  });

  it('refuses a default MAX_OBJECT_BYTES that exceeds a smaller MAX_CACHE_BYTES', () => {
    expect(configErrorOf({ MAX_CACHE_BYTES: '1MiB' }).message).toContain('MAX_OBJECT_BYTES');
  });
});

describe('parseByteSize', () => {
  it.each([
    ['1048576', 1_048_576],
    ['512KiB', 524_288],
    ['64MiB', 67_108_864],
    ['1GiB', 1024 ** 3],
    ['1GB', 1_000_000_000],
    ['2kb', 2_000],
    ['100b', 100],
    ['1.5KiB', 1536],
    [' 8 MiB ', 8 * 1024 ** 2],
    ['0', 0],
  ])('reads %j as %i bytes', (text, bytes) => {
    expect(parseByteSize(text)).toBe(bytes);
  });

  it.each(['', 'abc', '-1', '1TB', '10XB', 'MiB', '1..5MiB', '1e3'])('is undefined for %j', (text) => {
    expect(parseByteSize(text)).toBeUndefined();
  });
});
