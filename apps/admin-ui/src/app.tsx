import { AppHeader } from './components/app-header';
import { AuthGate } from './components/auth-gate';
import { useRoute } from './hooks/use-route';
import type { ApiKeyStore } from './lib/api-key-store';
import type { Route } from './lib/routes';
import { EntriesPage } from './pages/entries-page';
import { EntryPage } from './pages/entry-page';
import { NotFoundPage } from './pages/not-found-page';
import { OverviewPage } from './pages/overview-page';
import { RulesPage } from './pages/rules-page';
import { TryItPage } from './pages/try-it-page';

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case 'overview':
      return <OverviewPage />;
    case 'entries':
      return <EntriesPage />;
    case 'entry':
      return <EntryPage key={route.key} entryKey={route.key} />;
    case 'try-it':
      return <TryItPage />;
    case 'rules':
      return <RulesPage />;
    case 'not-found':
      return <NotFoundPage />;
  }
}

export function App({ keys }: { keys: ApiKeyStore }) {
  const route = useRoute();
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <AppHeader route={route} keys={keys} />
      <main id="main">
        <AuthGate keys={keys}>
          <Page route={route} />
        </AuthGate>
      </main>
      <footer className="app-footer">
        API: <a href="/docs">Swagger UI</a> · <a href="/redoc">reference</a> · <a href="/openapi.json">openapi.json</a>
      </footer>
    </>
  );
}
