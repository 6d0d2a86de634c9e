import { useMutation } from '@tanstack/react-query';
import type { WarmResult } from '@caching-proxy/shared';
import { useState, type FormEvent } from 'react';
import { useInvalidateCacheViews } from '../hooks/use-invalidate-cache-views';
import { formatCount } from '../lib/format';
import { parseUrlList } from '../lib/warm-urls';
import { useTRPC } from '../trpc';
import { ErrorNotice } from './query-states';

function WarmResults({ result }: { result: WarmResult }) {
  return (
    <>
      <p className={`notice ${result.failed === 0 ? 'notice-success' : 'notice-error'}`} role="status">
        Stored {formatCount(result.warmed)} of {formatCount(result.results.length)} {result.results.length === 1 ? 'URL' : 'URLs'}
        {result.not_storable > 0 && <>; {formatCount(result.not_storable)} not storable (the origin forbids storing)</>}
        {result.failed > 0 && <>; {formatCount(result.failed)} failed (see below)</>}.
      </p>
      <div className="table-scroll">
        <table className="warm-results cards">
          <caption className="visually-hidden">Result of each URL</caption>
          <thead>
            <tr>
              <th scope="col">URL</th>
              <th scope="col">Status</th>
              <th scope="col">X-Cache</th>
              <th scope="col">Stored</th>
            </tr>
          </thead>
          <tbody>
            {result.results.map((row, i) => (
              <tr key={i}>
                <td className="url-cell" data-label="URL">
                  {row.url}
                  {row.error ? (
                    <div className="try-error">
                      <code>{row.error.code}</code> {row.error.message}
                    </div>
                  ) : (
                    row.reason && <div className={row.status === 'failed' ? 'try-error' : 'warm-reason'}>{row.reason}</div>
                  )}
                </td>
                <td data-label="Status">{row.status_code === 0 ? '—' : row.status_code}</td>
                <td data-label="X-Cache">{row.x_cache ?? '—'}</td>
                <td data-label="Stored">{row.stored ? 'yes' : row.status === 'not_storable' ? 'no (not storable)' : 'no'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

/** Fetches a list of URLs through the proxy so that they are stored (`cache.warm`), and shows each URL's result. */
export function WarmForm() {
  const trpc = useTRPC();
  const invalidate = useInvalidateCacheViews();
  const [text, setText] = useState('');
  const warm = useMutation(trpc.cache.warm.mutationOptions({ onSuccess: invalidate }));
  const urls = parseUrlList(text);

  function submit(event: FormEvent) {
    event.preventDefault();
    if (urls.length > 0) warm.mutate({ urls, concurrency: 4 });
  }

  return (
    <section className="panel" aria-labelledby="warm-title">
      <h2 id="warm-title">Warm the cache</h2>
      <form className="stacked-form" onSubmit={submit}>
        <label htmlFor="warm-urls">URLs to fetch through the proxy, one per line</label>
        <textarea
          id="warm-urls"
          rows={4}
          required
          placeholder={'https://shop.example/\nhttps://shop.example/catalog'}
          value={text}
          onChange={(event) => {
            setText(event.target.value);
            warm.reset();
          }}
        />
        <button type="submit" disabled={warm.isPending || urls.length === 0}>
          {warm.isPending ? 'Warming…' : urls.length === 0 ? 'Warm' : `Warm ${urls.length === 1 ? '1 URL' : `${formatCount(urls.length)} URLs`}`}
        </button>
      </form>
      {warm.isSuccess && <WarmResults result={warm.data} />}
      {warm.isError && <ErrorNotice title="Warming failed" error={warm.error} />}
    </section>
  );
}
