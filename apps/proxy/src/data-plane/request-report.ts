import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Logger } from '../logger.js';
import type { RequestObserver } from '../stats/observer.js';
import type { Outcome } from '../stats/stats.js';

interface RequestTrace {
  id: string;
  startedAt: number;
  /** The proxied URL once known (credentials never appear: they are refused). */
  target?: string;
  reported?: boolean;
}

const TRACE = Symbol('caching-proxy.trace');
type Traced = IncomingMessage & { [TRACE]?: RequestTrace };

/** A client's own X-Request-Id is kept when it is a sane token; otherwise one is made. */
const CLIENT_REQUEST_ID = /^[\w.:-]{1,128}$/;

/**
 * Request ids made here: a random prefix per process and a counter — unique across replicas and
 * restarts, and far cheaper than a UUID per request.
 */
const ID_PREFIX = randomBytes(6).toString('hex');
let idCounter = 0;
function nextRequestId(): string {
  idCounter = (idCounter + 1) % Number.MAX_SAFE_INTEGER;
  return `${ID_PREFIX}-${idCounter.toString(36)}`;
}

/** `scheme://user:pass@host` → `scheme://[redacted]@host`, for targets logged before validation. */
function redactCredentials(text: string): string {
  return text.replace(/(\/\/)[^/@?#]*@/g, '$1[redacted]@');
}

/**
 * One structured log line per data-plane request (method, target, status, cache outcome,
 * duration, request id) and the request metrics. Only what is listed is logged: never headers,
 * so Authorization, Cookie and API keys cannot leak. `LOG_LEVEL=warn` turns the access log off.
 */
export class RequestReporter {
  private readonly logRequests: boolean;

  constructor(
    private readonly logger: Logger,
    private readonly observer: RequestObserver,
  ) {
    this.logRequests = logger.isLevelEnabled('info');
  }

  /**
   * Called first for every data-plane request: stamps its start and its request id. The id goes
   * out with the response headers (responders add it: setHeader would merge repeated fields).
   */
  begin(req: IncomingMessage): string {
    const header = req.headers['x-request-id'];
    const id = typeof header === 'string' && CLIENT_REQUEST_ID.test(header) ? header : nextRequestId();
    (req as Traced)[TRACE] = { id, startedAt: performance.now() };
    return id;
  }

  /** Records the URL the request was proxied to. */
  setTarget(req: IncomingMessage, target: URL): void {
    const trace = (req as Traced)[TRACE];
    if (trace) trace.target = target.href;
  }

  requestId(req: IncomingMessage): string {
    return (req as Traced)[TRACE]?.id ?? nextRequestId();
  }

  /** Called once the response is complete (or the request ended in error; a tunnel once closed). */
  finish(req: IncomingMessage, res: Pick<ServerResponse, 'statusCode'>, outcome: Outcome): void {
    const trace = (req as Traced)[TRACE];
    if (!trace || trace.reported) return;
    trace.reported = true;
    const durationSec = (performance.now() - trace.startedAt) / 1000;
    const method = req.method ?? 'GET';
    this.observer.requestFinished(outcome, method, durationSec);
    if (this.logRequests) {
      this.logger.info(
        {
          req_id: trace.id,
          method,
          target: trace.target ?? redactCredentials((req as { originalUrl?: string }).originalUrl ?? req.url ?? ''),
          status: res.statusCode,
          outcome,
          duration_ms: Math.round(durationSec * 100_000) / 100,
        },
        'request',
      );
    }
  }
}
