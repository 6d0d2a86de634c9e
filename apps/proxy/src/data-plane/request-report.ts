import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Logger } from '../logger.js';
import { requestIdOf } from '../request-id.js';
import type { RequestObserver } from '../stats/observer.js';
import { outcomeLabel, type Outcome } from '../stats/stats.js';

interface RequestTrace {
  id: string;
  startedAt: number;
  /** The proxied URL once known (credentials never appear: they are refused). */
  target?: string;
  /** The data-plane API key name (DATA_API_KEYS), or `network`, of an admitted forward-mode client. */
  client?: string;
  reported?: boolean;
  /** The origin request's method, when it is not the request's own (a `/proxy` envelope's). */
  method?: string | undefined;
}

const TRACE = Symbol('caching-proxy.trace');
type Traced = IncomingMessage & { [TRACE]?: RequestTrace };

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
    const id = requestIdOf(req);
    (req as Traced)[TRACE] = { id, startedAt: performance.now() };
    return id;
  }

  /** Records the URL the request was proxied to, and the origin request's method when it differs (`/proxy`). */
  setTarget(req: IncomingMessage, target: URL, method?: string): void {
    const trace = (req as Traced)[TRACE];
    if (trace) Object.assign(trace, { target: target.href, method });
  }

  /** Records who was admitted to the forward modes (a key name, never the key). */
  setClient(req: IncomingMessage, name: string): void {
    const trace = (req as Traced)[TRACE];
    if (trace) trace.client = name;
  }

  requestId(req: IncomingMessage): string {
    return (req as Traced)[TRACE]?.id ?? requestIdOf(req);
  }

  /** Called once the response is complete (or the request ended in error; a tunnel once closed). */
  finish(req: IncomingMessage, res: Pick<ServerResponse, 'statusCode'>, outcome: Outcome): void {
    const trace = (req as Traced)[TRACE];
    if (!trace || trace.reported) return;
    trace.reported = true;
    const durationSec = (performance.now() - trace.startedAt) / 1000;
    const method = req.method ?? 'GET';
    this.observer.requestFinished(outcome, trace.method ?? method, durationSec, res.statusCode);
    if (this.logRequests) {
      this.logger.info(
        {
          req_id: trace.id,
          method,
          // Secret query values are masked by the logger's `target` serializer (logger.ts).
          target: trace.target ?? redactCredentials((req as { originalUrl?: string }).originalUrl ?? req.url ?? ''),
          status: res.statusCode,
          outcome: outcomeLabel(outcome, res.statusCode),
          ...(trace.client === undefined ? {} : { client: trace.client }),
          duration_ms: Math.round(durationSec * 100_000) / 100,
        },
        'request',
      );
    }
  }
}
