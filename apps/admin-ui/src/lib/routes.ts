/** The dashboard's pages. Their paths must not start with an API path of the admin listener. */
export type Route =
  | { page: 'overview' }
  | { page: 'entries' }
  | { page: 'entry'; key: string }
  | { page: 'try-it' }
  | { page: 'rules' }
  | { page: 'not-found' };

export const paths = {
  overview: '/',
  entries: '/entries',
  entry: (key: string) => `/entries/${encodeURIComponent(key)}`,
  tryIt: '/try-it',
  /** Not `/rules`: that is the REST path of the rules (`GET /rules`). */
  rules: '/cache-rules',
} as const;

/** The entries page with its URL filter in the query string, so that a filtered list can be reloaded and shared. */
export function entriesPath(filter: string): string {
  return filter === '' ? paths.entries : `${paths.entries}?${new URLSearchParams({ filter }).toString()}`;
}

/** The URL filter of the entries page from a query string (`?filter=…`), '' when there is none. */
export function filterFromSearch(search: string): string {
  return new URLSearchParams(search).get('filter') ?? '';
}

export function parseRoute(pathname: string): Route {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
  if (path === paths.overview) return { page: 'overview' };
  if (path === paths.entries) return { page: 'entries' };
  if (path === paths.tryIt) return { page: 'try-it' };
  if (path === paths.rules) return { page: 'rules' };
  const entry = /^\/entries\/([^/]+)$/.exec(path);
  if (entry?.[1]) {
    try {
      return { page: 'entry', key: decodeURIComponent(entry[1]) };
    } catch {
      return { page: 'not-found' };
    }
  }
  return { page: 'not-found' };
}
