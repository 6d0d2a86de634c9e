import { useMutation, useQuery } from '@tanstack/react-query';
import { EntryDetails } from '../components/entry-details';
import { Link } from '../components/link';
import { ErrorNotice, Loading } from '../components/query-states';
import { useDocumentTitle } from '../hooks/use-document-title';
import { useInvalidateCacheViews } from '../hooks/use-invalidate-cache-views';
import { POLL_MS } from '../lib/polling';
import { paths } from '../lib/routes';
import { useTRPC } from '../trpc';

export function EntryPage({ entryKey }: { entryKey: string }) {
  useDocumentTitle('Entry');
  const trpc = useTRPC();
  const invalidate = useInvalidateCacheViews();
  const remove = useMutation(trpc.cache.delete.mutationOptions({ onSuccess: invalidate }));
  const info = useQuery(
    trpc.cache.info.queryOptions({ key: entryKey }, { refetchInterval: POLL_MS.entries, enabled: !remove.isSuccess }),
  );

  return (
    <>
      <p>
        <Link href={paths.entries}>← All entries</Link>
      </p>
      <div className="page-heading">
        <h1>Entry</h1>
        {info.data && !remove.isSuccess && (
          <button type="button" className="danger" disabled={remove.isPending} onClick={() => remove.mutate({ key: entryKey })}>
            Delete entry
          </button>
        )}
      </div>
      {info.data && (
        <p className="entry-url">
          <code>{info.data.url}</code>
          <br />
          <span className="entry-key">
            Key <code>{info.data.key}</code>
          </span>
        </p>
      )}
      {remove.isError && <ErrorNotice title="Deleting failed" error={remove.error} />}
      {remove.isSuccess ? (
        <p className="notice notice-success" role="status">
          Deleted the entry. <Link href={paths.entries}>Back to the entries</Link>
        </p>
      ) : (
        <>
          {info.isPending && <Loading what="the entry" />}
          {info.isError && <ErrorNotice title="Entry unavailable" error={info.error} />}
          {info.data && <EntryDetails entry={info.data} />}
        </>
      )}
    </>
  );
}
