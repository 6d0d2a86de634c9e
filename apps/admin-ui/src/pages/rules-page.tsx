import { useQuery } from '@tanstack/react-query';
import { EmptyState, ErrorNotice, Loading } from '../components/query-states';
import { RuleTester } from '../components/rule-tester';
import { RulesFile } from '../components/rules-file';
import { RulesTable } from '../components/rules-table';
import { useDocumentTitle } from '../hooks/use-document-title';
import { POLL_MS } from '../lib/polling';
import { useTRPC } from '../trpc';

function NoRulesFile() {
  return (
    <section className="panel" aria-labelledby="no-rules-title">
      <h2 id="no-rules-title">No rules file</h2>
      <EmptyState>
        No cache rules are configured: every request gets the default caching behaviour.
      </EmptyState>
      <p>
        Set <code>CACHE_RULES_FILE</code> to a YAML or JSON file and restart the proxy; then edit the file and reload it here
        (or send <code>SIGHUP</code>). For example:
      </p>
      <pre>{`# rules.yaml
rules:
  - name: search
    match: { path: "/api/search*" }
    key: { ignoreQuery: ["utm_*", "gclid"], sortQuery: true }
  - name: orders-writes
    match: { method: [POST, PUT, PATCH, DELETE], path: "/api/orders*" }
    invalidate: { prefixes: ["/api/orders"] }`}</pre>
    </section>
  );
}

export function RulesPage() {
  useDocumentTitle('Rules');
  const trpc = useTRPC();
  const rules = useQuery(trpc.rules.list.queryOptions(undefined, { refetchInterval: POLL_MS.rules }));

  return (
    <>
      <div className="page-heading">
        <h1>Cache rules</h1>
      </div>
      {rules.isPending && <Loading what="rules" />}
      {rules.isError && <ErrorNotice title="Rules unavailable" error={rules.error} />}
      {rules.data &&
        (rules.data.file === null ? (
          <NoRulesFile />
        ) : (
          <>
            <RulesFile state={rules.data} />
            <section className="panel" aria-labelledby="rules-title">
              <h2 id="rules-title">Rules</h2>
              {rules.data.rules.length === 0 ? (
                <EmptyState>The file has no rules: every request gets the default caching behaviour.</EmptyState>
              ) : (
                <RulesTable rules={rules.data.rules} />
              )}
            </section>
          </>
        ))}
      {rules.data && <RuleTester />}
    </>
  );
}
