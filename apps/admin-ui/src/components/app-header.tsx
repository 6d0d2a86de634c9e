import { paths, type Route } from '../lib/routes';
import { Link } from './link';

const NAVIGATION = [
  { label: 'Overview', href: paths.overview, pages: ['overview'] },
  { label: 'Entries', href: paths.entries, pages: ['entries', 'entry'] },
  { label: 'Try it', href: paths.tryIt, pages: ['try-it'] },
] as const satisfies readonly { label: string; href: string; pages: readonly Route['page'][] }[];

export function AppHeader({ route }: { route: Route }) {
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
    </header>
  );
}
