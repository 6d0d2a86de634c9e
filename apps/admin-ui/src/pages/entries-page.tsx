import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { ClearCache } from '../components/clear-cache';
import { EntriesTable } from '../components/entries-table';
import { Pagination } from '../components/pagination';
import { PurgeForm } from '../components/purge-form';
import { PurgeTagForm } from '../components/purge-tag-form';
import { EmptyState, ErrorNotice, Loading } from '../components/query-states';
import { WarmForm } from '../components/warm-form';
import { useDebouncedValue } from '../hooks/use-debounced-value';
import { useDocumentTitle } from '../hooks/use-document-title';
import { currentCursor, FIRST_PAGE, nextPage, pageNumber, previousPage, type CursorStack } from '../lib/cursor-stack';
import { formatCount } from '../lib/format';
import { POLL_MS } from '../lib/polling';
import { entriesPath, filterFromSearch } from '../lib/routes';
import { useTRPC } from '../trpc';

const PAGE_SIZE = 25;
const FILTER_DELAY_MS = 250;

export function EntriesPage() {
  useDocumentTitle('Entries');
  const trpc = useTRPC();
  // The filter lives in the address (`?filter=`): a reload or a shared link shows the same list.
  const [filterText, setFilterText] = useState(() => filterFromSearch(window.location.search));
  const filter = useDebouncedValue(filterText.trim(), FILTER_DELAY_MS);
  useEffect(() => {
    const path = entriesPath(filter);
    if (`${window.location.pathname}${window.location.search}` !== path) window.history.replaceState(null, '', path);
  }, [filter]);
  // The pages visited belong to one filter; another filter starts again at the first page.
  const [pagination, setPagination] = useState<{ filter: string; pages: CursorStack }>({ filter, pages: FIRST_PAGE });
  const pages = pagination.filter === filter ? pagination.pages : FIRST_PAGE;

  const list = useQuery(
    trpc.cache.list.queryOptions(
      { cursor: currentCursor(pages), limit: PAGE_SIZE, filter: filter === '' ? undefined : filter },
      { placeholderData: keepPreviousData, refetchInterval: POLL_MS.entries },
    ),
  );
  const nextCursor = list.data?.next_cursor ?? null;
  const total = list.data?.total ?? null;

  return (
    <>
      <div className="page-heading">
        <h1>Entries</h1>
      </div>

      <section className="panel" aria-labelledby="entries-title">
        <h2 id="entries-title" className="visually-hidden">
          Stored URLs
        </h2>
        <form className="inline-form" role="search" onSubmit={(event) => event.preventDefault()}>
          <label htmlFor="entries-filter">Filter by URL</label>
          <input
            id="entries-filter"
            type="search"
            placeholder="Part of a URL, e.g. /users/"
            value={filterText}
            onChange={(event) => setFilterText(event.target.value)}
          />
        </form>
        {list.isPending && <Loading what="entries" />}
        {list.isError && <ErrorNotice title="Entries unavailable" error={list.error} />}
        {list.data &&
          (list.data.entries.length === 0 ? (
            <EmptyState>
              {filter !== '' ? <>No stored URL contains “{filter}”.</> : pages.length > 1 ? 'No entries left on this page.' : 'The cache is empty.'}
            </EmptyState>
          ) : (
            <div className={list.isPlaceholderData ? 'updating' : undefined} aria-busy={list.isPlaceholderData}>
              <EntriesTable entries={list.data.entries} />
            </div>
          ))}
        <Pagination
          page={pageNumber(pages)}
          pageCount={total === null ? undefined : Math.max(1, Math.ceil(total / PAGE_SIZE))}
          total={total === null ? undefined : `${formatCount(total)} ${total === 1 ? 'URL' : 'URLs'}${filter === '' ? '' : ' match'}`}
          onPrevious={pages.length > 1 ? () => setPagination({ filter, pages: previousPage(pages) }) : undefined}
          onNext={nextCursor === null ? undefined : () => setPagination({ filter, pages: nextPage(pages, nextCursor) })}
        />
      </section>

      <div className="columns">
        <PurgeForm />
        <PurgeTagForm />
      </div>
      <div className="columns">
        <WarmForm />
        <ClearCache />
      </div>
    </>
  );
}
