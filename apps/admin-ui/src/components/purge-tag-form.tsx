import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useInvalidateCacheViews } from '../hooks/use-invalidate-cache-views';
import { useTRPC } from '../trpc';
import { ErrorNotice } from './query-states';
import { RemovedNotice } from './removed-notice';

/** Removes every entry whose response carried a tag in `Surrogate-Key` or `Cache-Tag` (`cache.purgeTag`). */
export function PurgeTagForm() {
  const trpc = useTRPC();
  const invalidate = useInvalidateCacheViews();
  const [tag, setTag] = useState('');
  const purge = useMutation(trpc.cache.purgeTag.mutationOptions({ onSuccess: invalidate }));

  function submit(event: FormEvent) {
    event.preventDefault();
    purge.mutate({ tag: tag.trim() });
  }

  return (
    <section className="panel" aria-labelledby="purge-tag-title">
      <h2 id="purge-tag-title">Purge by tag</h2>
      <p className="chart-note">
        Tags come from the origin&apos;s <code>Surrogate-Key</code> or <code>Cache-Tag</code> response header.
      </p>
      <form className="inline-form" onSubmit={submit}>
        <label htmlFor="purge-tag">Tag</label>
        <input
          id="purge-tag"
          type="text"
          required
          pattern="[!-~]+"
          title="Printable characters without spaces"
          placeholder="product-42"
          value={tag}
          onChange={(event) => {
            setTag(event.target.value);
            purge.reset();
          }}
        />
        <button type="submit" disabled={purge.isPending}>
          Purge tag
        </button>
      </form>
      {purge.isSuccess && (
        <RemovedNotice verb="Purged" urls={purge.data.urls} responses={purge.data.stored_responses}>
          {' '}
          tagged <code>{purge.variables.tag}</code>
        </RemovedNotice>
      )}
      {purge.isError && <ErrorNotice title="Purge by tag failed" error={purge.error} />}
    </section>
  );
}
