import { pino, type Logger } from 'pino';
import type { LogLevel } from './config.js';

export type { Logger } from 'pino';

/** Structured JSON logs on stdout; secrets are redacted wherever they appear in a log object. */
export function createLogger(level: LogLevel): Logger {
  return pino({
    level,
    base: { service: 'caching-proxy' },
    timestamp: pino.stdTimeFunctions.isoTime,
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
  });
}

/** A logger that drops everything, for tests and tools. */
export function createSilentLogger(): Logger {
  return pino({ level: 'silent' });
}
