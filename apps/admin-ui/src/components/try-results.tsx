import type { TryRequestResult } from '@caching-proxy/shared';
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

/** What "Try it" requests got back, newest first. */
export function TryResults({ attempts }: { attempts: readonly TryAttempt[] }) {
  return (
    <div className="table-scroll">
      <table className="try-results">
        <caption>Requests sent, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Request</th>
            <th scope="col">Status</th>
            <th scope="col">X-Cache</th>
            <th scope="col">Cache-Status</th>
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
              <td className="url-cell">
                {method} {result.cache_key === null ? url : <Link href={paths.entry(result.cache_key)}>{url}</Link>}
                {result.error && (
                  <div className="try-error">
                    <code>{result.error.code}</code> {result.error.message}
                  </div>
                )}
              </td>
              <td>{result.status_code === 0 ? '—' : result.status_code}</td>
              <td>
                <CacheBadge value={result.x_cache} />
              </td>
              <td>
                <code>{result.cache_status ?? '—'}</code>
              </td>
              <td className="number">{result.age ?? '—'}</td>
              <td className="number">{formatMilliseconds(result.duration_ms)}</td>
              <td className="number">{formatBytes(result.body_bytes)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
