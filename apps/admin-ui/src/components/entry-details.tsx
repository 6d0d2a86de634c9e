import type { CacheEntryInfo } from '@caching-proxy/shared';
import { formatBytes, formatCount, formatSeconds, formatTimestamp } from '../lib/format';
import { HeadersTable } from './headers-table';
import { EmptyState } from './query-states';

function Facts({ entry }: { entry: CacheEntryInfo }) {
  const facts: [string, string][] = [
    ['Method', entry.method],
    ['Status', String(entry.status_code)],
    ['State', entry.stale ? 'stale' : 'fresh'],
    ['Age', formatSeconds(entry.age_seconds)],
    ['TTL left', formatSeconds(entry.ttl_seconds)],
    ['Hits', formatCount(entry.hits)],
    ['Body', formatBytes(entry.body_bytes)],
    ['Stored size', formatBytes(entry.size_bytes)],
    ['Stored at', formatTimestamp(entry.stored_at)],
    ['Stale at', formatTimestamp(entry.stale_at)],
    ['Removed at', formatTimestamp(entry.expires_at)],
    ['Variants', String(entry.variants.length)],
    ['Purge tags', entry.tags.length === 0 ? 'none' : entry.tags.join(', ')],
  ];
  return (
    <dl className="facts">
      {facts.map(([term, value]) => (
        <div key={term}>
          <dt>{term}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** The stored body as text: React escapes it, so markup in it is shown, never rendered. */
function BodyPreview({ preview }: { preview: CacheEntryInfo['body_preview'] }) {
  return (
    <section className="panel" aria-labelledby="preview-title">
      <h2 id="preview-title">Body preview</h2>
      <p className="chart-note">{preview.content_type ?? 'No content type'}</p>
      {preview.text === null ? (
        <EmptyState>No preview: the body is binary or compressed.</EmptyState>
      ) : preview.text === '' ? (
        <EmptyState>The body is empty.</EmptyState>
      ) : (
        <>
          <pre className="body-preview">
            {preview.text}
          </pre>
          {preview.truncated && <p className="chart-note">Only the start of the body is shown.</p>}
        </>
      )}
    </section>
  );
}

function VaryValues({ vary }: { vary: Record<string, string | null> }) {
  const names = Object.keys(vary);
  if (names.length === 0) return <EmptyState>The response does not vary by request header.</EmptyState>;
  return (
    <ul className="vary-list">
      {names.map((name) => (
        <li key={name}>
          <code>{name}</code>: {vary[name] ?? <em>absent</em>}
        </li>
      ))}
    </ul>
  );
}

/** `accept-language: en, accept-encoding: (absent)`, or that the variant answers any request. */
function describeVary(vary: Record<string, string | null>): string {
  const names = Object.keys(vary);
  if (names.length === 0) return 'any request';
  return names.map((name) => `${name}: ${vary[name] ?? '(absent)'}`).join(', ');
}

function Variants({ entry }: { entry: CacheEntryInfo }) {
  return (
    <div className="table-scroll">
      <table>
        <caption className="visually-hidden">Stored variants</caption>
        <thead>
          <tr>
            <th scope="col">Selected by</th>
            <th scope="col">Status</th>
            <th scope="col">Stored at</th>
            <th scope="col" className="number">
              TTL left
            </th>
            <th scope="col" className="number">
              Hits
            </th>
          </tr>
        </thead>
        <tbody>
          {entry.variants.map((variant) => (
            <tr key={variant.variant_key}>
              <td>{describeVary(variant.vary)}</td>
              <td>{variant.status_code}</td>
              <td>{formatTimestamp(variant.stored_at)}</td>
              <td className="number">{variant.stale ? 'stale' : formatSeconds(variant.ttl_seconds)}</td>
              <td className="number">{formatCount(variant.hits)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Everything `cache.info` says about one URL's entry (its latest variant, then every variant). */
export function EntryDetails({ entry }: { entry: CacheEntryInfo }) {
  return (
    <>
      <section className="panel" aria-labelledby="facts-title">
        <h2 id="facts-title">Latest variant</h2>
        <Facts entry={entry} />
      </section>
      <BodyPreview preview={entry.body_preview} />
      <div className="columns">
        <section className="panel" aria-labelledby="response-headers-title">
          <h2 id="response-headers-title">Response headers</h2>
          <HeadersTable caption="Stored response headers" headers={entry.headers} />
        </section>
        <section className="panel" aria-labelledby="request-headers-title">
          <h2 id="request-headers-title">Request headers</h2>
          <HeadersTable caption="Request headers named by Vary" headers={entry.request_headers} />
          <h3>Vary</h3>
          <VaryValues vary={entry.vary} />
        </section>
      </div>
      <section className="panel" aria-labelledby="variants-title">
        <h2 id="variants-title">Variants</h2>
        <Variants entry={entry} />
      </section>
    </>
  );
}
