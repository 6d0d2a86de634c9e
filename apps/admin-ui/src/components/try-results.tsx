import type { TryRequestResult } from '@caching-proxy/shared';
import { isStoredResponse, matchedRuleName } from '../lib/cache-status';
import { formatBytes, formatMilliseconds } from '../lib/format';
import { paths } from '../lib/routes';
import { Link } from './link';

export interface TryAttempt {
  id: number;
  method: 'GET' | 'HEAD';
  url: string;
  result: TryRequestResult;
}

function CacheBadge({ value }: { value: string | null }) {
  return <span className={`badge badge-cache-${(value ?? 'none').toLowerCase()}`}>{value ?? '—'}</span>;
}

/** The cache rule that applied (the `rule` parameter of Cache-Status), linked to the Rules page. */
function MatchedRule({ cacheStatus }: { cacheStatus: string | null }) {
  const name = matchedRuleName(cacheStatus);
  if (name === null) return <span className="muted">none</span>;
  return (
    <Link className="rule-link" href={paths.rules}>
      {name}
    </Link>
  );
}

/** What "Try it" requests got back, newest first. */
export function TryResults({ attempts }: { attempts: readonly TryAttempt[] }) {
  return (
    <div className="table-scroll">
      <table className="try-results cards">
        <caption>Requests sent, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Request</th>
            <th scope="col">Status</th>
            <th scope="col">X-Cache</th>
            <th scope="col">Cache-Status</th>
            <th scope="col">Rule</th>
            <th scope="col" className="number">
              Age
            </th>
            <th scope="col" className="number">
              Duration
            </th>
            <th scope="col" className="number">
              Body
            </th>
          </tr>
        </thead>
        <tbody>
          {attempts.map(({ id, method, url, result }) => (
            <tr key={id}>
              <td className="url-cell" data-label="Request">
                {method}{' '}
                {result.cache_key !== null && isStoredResponse(result.cache_status) ? (
                  <Link href={paths.entry(result.cache_key)}>{url}</Link>
                ) : (
                  <>
                    {url} {result.error === null && <span className="tag">not stored</span>}
                  </>
                )}
                {result.error && (
                  <div className="try-error">
                    <code>{result.error.code}</code> {result.error.message}
                  </div>
                )}
              </td>
              <td data-label="Status">{result.status_code === 0 ? '—' : result.status_code}</td>
              <td data-label="X-Cache">
                <CacheBadge value={result.x_cache} />
              </td>
              <td data-label="Cache-Status">
                <code>{result.cache_status ?? '—'}</code>
              </td>
              <td data-label="Rule">
                <MatchedRule cacheStatus={result.cache_status} />
              </td>
              <td className="number" data-label="Age">
                {result.age ?? '—'}
              </td>
              <td className="number" data-label="Duration">
                {formatMilliseconds(result.duration_ms)}
              </td>
              <td className="number" data-label="Body">
                {formatBytes(result.body_bytes)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
