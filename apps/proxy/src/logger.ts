import { pino, type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from './config.js';
import { maskSecretQueryValues } from './content/secret-query.js';

export type { Logger } from 'pino';

/** A logged URL with the values of secret-like query parameters masked (`?token=***`). */
function maskedUrl(value: unknown): unknown {
  return typeof value === 'string' ? maskSecretQueryValues(value) : value;
}

/**
 * Structured JSON logs on stdout (or `destination`); secrets are redacted wherever they appear in
 * a log object, and the `url`/`target` of every log line has its secret query values masked.
 */
export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { service: 'caching-proxy' },
    timestamp: pino.stdTimeFunctions.isoTime,
    serializers: { url: maskedUrl, target: maskedUrl },
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'req.headers["proxy-authorization"]',
        'headers.authorization',
        'headers.cookie',
        'config.ADMIN_API_KEY',
      ],
      censor: '[redacted]',
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

/** A logger that drops everything, for tests and tools. */
export function createSilentLogger(): Logger {
  return pino({ level: 'silent' });
}
