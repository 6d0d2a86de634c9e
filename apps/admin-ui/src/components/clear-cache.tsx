import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { useInvalidateCacheViews } from '../hooks/use-invalidate-cache-views';
import { useTRPC } from '../trpc';
import { ConfirmDialog } from './confirm-dialog';
import { ErrorNotice } from './query-states';
import { RemovedNotice } from './removed-notice';

/** Removes every entry (`cache.clear`), after a confirmation. */
export function ClearCache() {
  const trpc = useTRPC();
  const invalidate = useInvalidateCacheViews();
  const [confirming, setConfirming] = useState(false);
  const clear = useMutation(trpc.cache.clear.mutationOptions({ onSuccess: invalidate }));

  return (
    <section className="panel" aria-labelledby="clear-title">
      <h2 id="clear-title">Clear the cache</h2>
      <p>Removes every stored response. The next request for each URL goes to its origin.</p>
      <button
        type="button"
        className="danger"
        disabled={clear.isPending}
        onClick={() => {
          clear.reset();
          setConfirming(true);
        }}
      >
        Clear all entries…
      </button>
      {clear.isSuccess && <RemovedNotice verb="Cleared" urls={clear.data.urls} responses={clear.data.stored_responses} />}
      {clear.isError && <ErrorNotice title="Clearing failed" error={clear.error} />}
      <ConfirmDialog
        open={confirming}
        title="Clear every cache entry?"
        confirmLabel="Clear cache"
        onCancel={() => setConfirming(false)}
        onConfirm={() => {
          setConfirming(false);
          clear.mutate();
        }}
      >
        <p>This removes every stored response and cannot be undone.</p>
      </ConfirmDialog>
    </section>
  );
}
