import { useQueryClient } from '@tanstack/react-query';
import { useSyncExternalStore } from 'react';
import type { ApiKeyStore } from '../lib/api-key-store';
import { paths, type Route } from '../lib/routes';
import { Link } from './link';

const NAVIGATION = [
  { label: 'Overview', href: paths.overview, pages: ['overview'] },
  { label: 'Entries', href: paths.entries, pages: ['entries', 'entry'] },
  { label: 'Try it', href: paths.tryIt, pages: ['try-it'] },
  { label: 'Rules', href: paths.rules, pages: ['rules'] },
] as const satisfies readonly { label: string; href: string; pages: readonly Route['page'][] }[];

/** Forgets the API key of this tab (shown only while one is kept) and drops what was loaded with it. */
function ForgetKeyButton({ keys }: { keys: ApiKeyStore }) {
  const { key } = useSyncExternalStore(keys.subscribe, keys.getState);
  const queryClient = useQueryClient();
  if (key === null) return null;
  return (
    <button
      type="button"
      className="header-button"
      onClick={() => {
        keys.forget();
        queryClient.clear();
      }}
    >
      Forget API key
    </button>
  );
}

export function AppHeader({ route, keys }: { route: Route; keys: ApiKeyStore }) {
  return (
    <header className="app-header">
      <Link className="brand" href={paths.overview}>
        caching-proxy <span className="brand-suffix">admin</span>
      </Link>
      <nav aria-label="Main">
        <ul>
          {NAVIGATION.map((item) => (
            <li key={item.href}>
              <Link href={item.href} aria-current={(item.pages as readonly string[]).includes(route.page) ? 'page' : undefined}>
                {item.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <ForgetKeyButton keys={keys} />
    </header>
  );
}
