import type { CacheEntrySummary } from '@caching-proxy/shared';
import { formatBytes, formatCount, formatSeconds } from '../lib/format';
import { paths } from '../lib/routes';
import { Link } from './link';

/** The stored URLs; on a phone each row is a card whose cells name their column. */
export function EntriesTable({ entries }: { entries: readonly CacheEntrySummary[] }) {
  return (
    <div className="table-scroll">
      <table className="entries cards">
        <caption className="visually-hidden">Cached URLs, most recently used first</caption>
        <thead>
          <tr>
            <th scope="col">URL</th>
            <th scope="col">Method</th>
            <th scope="col">Status</th>
            <th scope="col" className="number">
              Size
            </th>
            <th scope="col" className="number">
              Age
            </th>
            <th scope="col" className="number">
              TTL left
            </th>
            <th scope="col" className="number">
              Hits
            </th>
          </tr>
        </thead>
        <tbody>
          {entries.map((entry) => (
            <tr key={entry.key}>
              <td className="url-cell" data-label="URL">
                <Link href={paths.entry(entry.key)}>{entry.url}</Link>
                {entry.variants > 1 && <span className="tag">{entry.variants} variants</span>}
              </td>
              <td data-label="Method">{entry.method}</td>
              <td data-label="Status">{entry.status_code}</td>
              <td className="number" data-label="Size">
                {formatBytes(entry.size_bytes)}
              </td>
              <td className="number" data-label="Age">
                {formatSeconds(entry.age_seconds)}
              </td>
              <td className="number" data-label="TTL left">
                {entry.stale ? <span className="tag tag-stale">stale</span> : formatSeconds(entry.ttl_seconds)}
              </td>
              <td className="number" data-label="Hits">
                {formatCount(entry.hits)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
