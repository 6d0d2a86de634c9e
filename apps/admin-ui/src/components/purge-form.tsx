import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useInvalidateCacheViews } from '../hooks/use-invalidate-cache-views';
import { useTRPC } from '../trpc';
import { ErrorNotice } from './query-states';
import { RemovedNotice } from './removed-notice';

/** Removes every entry whose URL starts with a prefix (`cache.purge`). */
export function PurgeForm() {
  const trpc = useTRPC();
  const invalidate = useInvalidateCacheViews();
  const [prefix, setPrefix] = useState('');
  const purge = useMutation(trpc.cache.purge.mutationOptions({ onSuccess: invalidate }));

  function submit(event: FormEvent) {
    event.preventDefault();
    purge.mutate({ prefix: prefix.trim() });
  }

  return (
    <section className="panel" aria-labelledby="purge-title">
      <h2 id="purge-title">Purge by URL prefix</h2>
      <form className="inline-form" onSubmit={submit}>
        <label htmlFor="purge-prefix">URL prefix</label>
        <input
          id="purge-prefix"
          type="url"
          required
          placeholder="https://api.example.com/v1/"
          value={prefix}
          onChange={(event) => {
            setPrefix(event.target.value);
            // The last result was about another prefix.
            purge.reset();
          }}
        />
        <button type="submit" disabled={purge.isPending}>
          Purge
        </button>
      </form>
      {purge.isSuccess && (
        <RemovedNotice verb="Purged" urls={purge.data.urls} responses={purge.data.stored_responses}>
          {' '}
          under <code>{purge.variables.prefix}</code>
        </RemovedNotice>
      )}
      {purge.isError && <ErrorNotice title="Purge failed" error={purge.error} />}
    </section>
  );
}
