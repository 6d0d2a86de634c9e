import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ErrorNotice } from '../components/query-states';
import { TryResults, type TryAttempt } from '../components/try-results';
import { useDocumentTitle } from '../hooks/use-document-title';
import { useInvalidateCacheViews } from '../hooks/use-invalidate-cache-views';
import { useTRPC } from '../trpc';

const KEPT_ATTEMPTS = 20;

export function TryItPage() {
  useDocumentTitle('Try it');
  const trpc = useTRPC();
  const invalidate = useInvalidateCacheViews();
  const [url, setUrl] = useState('');
  const [method, setMethod] = useState<TryAttempt['method']>('GET');
  const [attempts, setAttempts] = useState<TryAttempt[]>([]);
  const send = useMutation(
    trpc.tryRequest.mutationOptions({
      onSuccess: async (result, input) => {
        const attempt = { method: input.method ?? 'GET', url: input.url, result };
        setAttempts((previous) => [{ id: (previous[0]?.id ?? 0) + 1, ...attempt }, ...previous].slice(0, KEPT_ATTEMPTS));
        await invalidate();
      },
    }),
  );

  function submit(event: FormEvent) {
    event.preventDefault();
    send.mutate({ url: url.trim(), method });
  }

  return (
    <>
      <div className="page-heading">
        <h1>Try it</h1>
      </div>
      <section className="panel" aria-labelledby="try-title">
        <h2 id="try-title">Send a request through the proxy</h2>
        <p>
          The proxy fetches the URL on its data port, as any client would, and reports how it was answered. Send it twice to
          see the second one served from the cache.
        </p>
        <form className="inline-form" onSubmit={submit}>
          <label htmlFor="try-method">Method</label>
          <select id="try-method" value={method} onChange={(event) => setMethod(event.target.value as TryAttempt['method'])}>
            <option value="GET">GET</option>
            <option value="HEAD">HEAD</option>
          </select>
          <label htmlFor="try-url">URL</label>
          <input
            id="try-url"
            type="url"
            required
            placeholder="https://jsonplaceholder.typicode.com/posts/1"
            value={url}
            onChange={(event) => setUrl(event.target.value)}
          />
          <button type="submit" disabled={send.isPending}>
            {send.isPending ? 'Sending…' : 'Send'}
          </button>
        </form>
        {send.isError && <ErrorNotice title="The request could not be sent" error={send.error} />}
      </section>
      {attempts.length > 0 && (
        <section className="panel" aria-labelledby="results-title">
          <h2 id="results-title">Results</h2>
          <TryResults attempts={attempts} />
        </section>
      )}
    </>
  );
}
