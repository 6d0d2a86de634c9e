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
    const { DATA_ALLOWED_CLIENTS: _networks, ...scalars } = parseConfig({});
    expect(scalars).toEqual({
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
      GRAPHQL_MAX_BODY_BYTES: 64 * 1024,
      FILL_BUFFER_BYTES: 64 * 1024 * 1024,
      WORKERS: 1,
      CACHE_EXTRA_STATUSES: new Set(),
      TRUSTED_PROXIES: [],
      PUBLIC_HOSTS: [],
      MAX_URL_BYTES: 8192,
      MAX_REQUEST_HEADERS: 100,
      CLIENT_HEADER_TIMEOUT_MS: 10_000,
      CLIENT_BODY_TIMEOUT_MS: 10_000,
      UPSTREAM_RESPONSE_DEADLINE_MS: 300_000,
      DATA_API_KEYS: [],
      TARGET_ALLOWED_HOSTS: [],
      ADMIN_ALLOWED_HOSTS: [],
      ADMIN_AUTH_FAILURE_LIMIT: 10,
      ADMIN_AUTH_FAILURE_WINDOW_MS: 60_000,
    });
  });

  it('allows loopback and private client networks by default, as Squid does', () => {
    const networks = parseConfig({}).DATA_ALLOWED_CLIENTS.map(([address, bits]) => `${address.toString()}/${bits}`);
    expect(networks).toEqual([
      '127.0.0.0/8',
      '::1/128',
      '10.0.0.0/8',
      '100.64.0.0/10',
      '172.16.0.0/12',
      '192.168.0.0/16',
      '169.254.0.0/16',
      'fc00::/7',
      'fe80::/10',
    ]);
  });

  it('reads client networks and named data-plane keys, and names a bad member', () => {
    const config = parseConfig({ DATA_ALLOWED_CLIENTS: '10.1.0.0/16, 192.0.2.7', DATA_API_KEYS: 'ci:0123456789abcdef,web:fedcba9876543210' });
    expect(config.DATA_ALLOWED_CLIENTS.map(([address, bits]) => `${address.toString()}/${bits}`)).toEqual(['10.1.0.0/16', '192.0.2.7/32']);
    expect(config.DATA_API_KEYS).toEqual([
      { name: 'ci', key: '0123456789abcdef' },
      { name: 'web', key: 'fedcba9876543210' },
    ]);
    expect(() => parseConfig({ DATA_ALLOWED_CLIENTS: '10.0.0.0/33' })).toThrow(/DATA_ALLOWED_CLIENTS.*10\.0\.0\.0\/33/);
    expect(() => parseConfig({ DATA_API_KEYS: 'ci:short' })).toThrow(/DATA_API_KEYS/);
    expect(() => parseConfig({ DATA_API_KEYS: 'ci:short' })).not.toThrow(/short/);
  });

  it('lists every variable it reads', () => {
    expect(new Set(CONFIG_VARIABLES)).toEqual(new Set(Object.keys(parseConfig({}))));
  });

  it('ignores unrelated environment variables', () => {
    expect(parseConfig({ PATH: '/usr/bin', HOME: '/root', PORT: '9000' }).PORT).toBe(9000);
  });
});

describe('parseConfig values', () => {
  it('resolves relative file settings against the directory npm was run from (INIT_CWD), else the working directory', () => {
    const fromNpm = parseConfig({ CACHE_RULES_FILE: 'rules.yaml', WARM_URLS_FILE: 'conf/urls.txt', INIT_CWD: '/home/me/project' });
    expect(fromNpm.CACHE_RULES_FILE).toBe('/home/me/project/rules.yaml');
    expect(fromNpm.WARM_URLS_FILE).toBe('/home/me/project/conf/urls.txt');
    expect(parseConfig({ CACHE_RULES_FILE: '/etc/proxy/rules.yaml', INIT_CWD: '/home/me' }).CACHE_RULES_FILE).toBe('/etc/proxy/rules.yaml');
    expect(parseConfig({ CACHE_RULES_FILE: 'rules.yaml' }).CACHE_RULES_FILE).toBe(`${process.cwd()}/rules.yaml`);
  });

  it('reads the shared-cache safety settings', () => {
    const config = parseConfig({ CACHE_EXTRA_STATUSES: ' 403, 503 ', TRUSTED_PROXIES: '10.0.0.0/8, 192.0.2.7, fd00::/8', PUBLIC_HOSTS: 'WWW.Example.com, *.example.org' });
    expect(config.CACHE_EXTRA_STATUSES).toEqual(new Set([403, 503]));
    expect(config.TRUSTED_PROXIES.map(([address, bits]) => `${address.toString()}/${bits}`)).toEqual(['10.0.0.0/8', '192.0.2.7/32', 'fd00::/8']);
    expect(config.PUBLIC_HOSTS).toEqual(['www.example.com', '*.example.org']);
  });

  it('refuses malformed shared-cache safety settings with one message each', () => {
    expect(() => parseConfig({ CACHE_EXTRA_STATUSES: '500,abc,600' })).toThrow(/expected CACHE_EXTRA_STATUSES to be a comma-separated list of HTTP statuses \(100-599\), got "500,abc,600"/);
    expect(() => parseConfig({ TRUSTED_PROXIES: '10.0.0.0/33' })).toThrow(/expected TRUSTED_PROXIES to be a comma-separated list of IP addresses or CIDR networks/);
    expect(() => parseConfig({ PUBLIC_HOSTS: 'http://www.example.com/' })).toThrow(/expected PUBLIC_HOSTS/);
  });

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

  it('refuses a host:port member of every host list (it would never match), keeping IPv6 literals', () => {
    for (const name of ['ALLOWED_HOSTS', 'PUBLIC_HOSTS', 'TARGET_ALLOWED_HOSTS', 'ADMIN_ALLOWED_HOSTS'] as const) {
      for (const raw of ['127.0.0.1:29300', 'api.internal, localhost:8080', '[::1]:8080', 'a::b::c', '*.[::1]', '[api.internal]']) {
        expect(() => parseConfig({ [name]: raw }), `${name}=${raw}`).toThrow(
          `expected ${name} to be a comma-separated list of host names, *.suffix patterns or IP addresses, without ports ` +
            `(an entry matches its host on any port: 127.0.0.1, not 127.0.0.1:8080; IPv6 as ::1 or [::1]), got ${JSON.stringify(raw)}`,
        );
      }
      expect(parseConfig({ [name]: '::1, [::1], [FD00:EC2::254], ::ffff:10.0.0.5, 127.0.0.1' })[name]).toEqual([
        '::1',
        '[::1]',
        '[fd00:ec2::254]',
        '::ffff:10.0.0.5',
        '127.0.0.1',
      ]);
    }
  });

  it('treats an empty or blank ADMIN_API_KEY as unset', () => {
    expect(parseConfig({ ADMIN_API_KEY: '' }).ADMIN_API_KEY).toBeUndefined();
    expect(parseConfig({ ADMIN_API_KEY: '   ' }).ADMIN_API_KEY).toBeUndefined();
  });

  it('trims ADMIN_API_KEY', () => {
    expect(parseConfig({ ADMIN_API_KEY: ' s3cret-0123456789 ' }).ADMIN_API_KEY).toBe('s3cret-0123456789');
  });

  it('refuses an ADMIN_API_KEY shorter than 16 characters without echoing it', () => {
    const error = (() => {
      try {
        parseConfig({ ADMIN_API_KEY: 'short-secret' });
      } catch (e) {
        return e as ConfigError;
      }
      throw new Error('expected a ConfigError');
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.problems).toEqual([
      'expected ADMIN_API_KEY to be at least 16 characters, got 12 (generate one with: openssl rand -hex 32)',
    ]);
    expect(error.message).not.toContain('short-secret');
    expect(parseConfig({ ADMIN_API_KEY: '0123456789abcdef' }).ADMIN_API_KEY).toBe('0123456789abcdef');
  });

  it('refuses PORT equal to ADMIN_PORT, but allows both to be 0 (any free port)', () => {
    expect(() => parseConfig({ PORT: '9000', ADMIN_PORT: '9000' })).toThrow(
      'expected ADMIN_PORT to differ from PORT, got 9000 for both: the data port and the admin listener need a port each',
    );
    expect(parseConfig({ PORT: '0', ADMIN_PORT: '0' })).toMatchObject({ PORT: 0, ADMIN_PORT: 0 });
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

describe('the parsed configuration', () => {
  it('is deeply frozen: no setting, list or list member can be changed after startup', () => {
    const config = parseConfig({ ALLOWED_HOSTS: 'a.example', REDIS_SENTINELS: 'sentinel-a:26379', ORIGIN_URL: 'http://app:3000' });
    for (const part of [config, config.ALLOWED_HOSTS, config.CACHE_TARGETED_FIELDS, config.REDIS_SENTINELS, config.REDIS_SENTINELS[0]]) {
      expect(Object.isFrozen(part)).toBe(true);
    }
    expect(() => {
      (config as { PORT: number }).PORT = 1;
    }).toThrow(TypeError);
    expect(() => (config.ALLOWED_HOSTS as string[]).push('evil.example')).toThrow(TypeError);
    expect(() => {
      (config.REDIS_SENTINELS[0] as { port: number }).port = 1;
    }).toThrow(TypeError);
    // URLs are kept as text (a URL object's setters would ignore the freeze).
    expect(config.ORIGIN_URL).toBe('http://app:3000/');
  });

  it('refuses an ORIGIN_URL with a query, a fragment or credentials', () => {
    for (const raw of ['http://app:3000/?a=1', 'http://app:3000/#top', 'http://user:pw@app:3000', 'ftp://app']) {
      expect(configErrorOf({ ORIGIN_URL: raw }).message).toContain('expected ORIGIN_URL to be a http/https URL without query');
    }
  });
});
