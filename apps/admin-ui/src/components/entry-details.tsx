import type { CacheEntryInfo, CacheVariantInfo } from '@caching-proxy/shared';
import { useState } from 'react';
import { formatBytes, formatCount, formatSeconds, formatTimestamp } from '../lib/format';
import { HeadersTable } from './headers-table';
import { EmptyState } from './query-states';

function Facts({ entry, variant }: { entry: CacheEntryInfo; variant: CacheVariantInfo }) {
  const facts: [string, string][] = [
    ['Method', entry.method],
    ['Selected by', describeVary(variant.vary)],
    ['Status', String(variant.status_code)],
    ['State', variant.stale ? 'stale' : 'fresh'],
    ['Age', formatSeconds(variant.age_seconds)],
    ['TTL left', formatSeconds(variant.ttl_seconds)],
    ['Hits', formatCount(variant.hits)],
    ['Body', formatBytes(variant.body_bytes)],
    ['Stored size', formatBytes(variant.size_bytes)],
    ['Stored at', formatTimestamp(variant.stored_at)],
    ['Stale at', formatTimestamp(variant.stale_at)],
    ['Removed at', formatTimestamp(variant.expires_at)],
    ['Variants', String(entry.variants.length)],
    ['Purge tags', variant.tags.length === 0 ? 'none' : variant.tags.join(', ')],
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

function Variants({
  entry,
  selected,
  onSelect,
}: {
  entry: CacheEntryInfo;
  selected: string;
  onSelect: (variantKey: string) => void;
}) {
  return (
    <div className="table-scroll">
      <table className="variants cards">
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
            <th scope="col">
              <span className="visually-hidden">Inspect</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {entry.variants.map((variant) => (
            <tr key={variant.variant_key} aria-current={variant.variant_key === selected ? 'true' : undefined}>
              <td data-label="Selected by">{describeVary(variant.vary)}</td>
              <td data-label="Status">{variant.status_code}</td>
              <td data-label="Stored at">{formatTimestamp(variant.stored_at)}</td>
              <td className="number" data-label="TTL left">
                {variant.stale ? 'stale' : formatSeconds(variant.ttl_seconds)}
              </td>
              <td className="number" data-label="Hits">
                {formatCount(variant.hits)}
              </td>
              <td data-label="">
                {variant.variant_key === selected ? (
                  <span className="tag">shown above</span>
                ) : (
                  <button type="button" onClick={() => onSelect(variant.variant_key)}>
                    Inspect<span className="visually-hidden"> the variant for {describeVary(variant.vary)}</span>
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * Everything `cache.info` says about one URL's entry: one variant in full (the latest at first;
 * any other is chosen in the variants table), then every variant.
 */
export function EntryDetails({ entry }: { entry: CacheEntryInfo }) {
  const [selectedKey, setSelectedKey] = useState(entry.variant_key);
  // A variant that is gone (expired, replaced) falls back to the latest one.
  const variant = entry.variants.find((v) => v.variant_key === selectedKey) ?? entry;
  const isLatest = variant.variant_key === entry.variant_key;
  return (
    <>
      <section className="panel" aria-labelledby="facts-title">
        <h2 id="facts-title">{isLatest ? 'Latest variant' : 'Variant'}</h2>
        <Facts entry={entry} variant={variant} />
      </section>
      <BodyPreview preview={variant.body_preview} />
      <div className="columns">
        <section className="panel" aria-labelledby="response-headers-title">
          <h2 id="response-headers-title">Response headers</h2>
          <HeadersTable caption="Stored response headers" headers={variant.headers} />
        </section>
        <section className="panel" aria-labelledby="request-headers-title">
          <h2 id="request-headers-title">Request headers</h2>
          <HeadersTable caption="Request headers named by Vary" headers={variant.request_headers} />
          <h3>Vary</h3>
          <VaryValues vary={variant.vary} />
        </section>
      </div>
      <section className="panel" aria-labelledby="variants-title">
        <h2 id="variants-title">Variants</h2>
        <Variants
          entry={entry}
          selected={variant.variant_key}
          onSelect={(key) => {
            setSelectedKey(key);
            document.getElementById('facts-title')?.scrollIntoView();
          }}
        />
      </section>
    </>
  );
}
