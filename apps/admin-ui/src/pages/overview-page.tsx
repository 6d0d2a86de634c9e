import { useQuery } from '@tanstack/react-query';
import { HealthSummary } from '../components/health-summary';
import { HitRatioChart } from '../components/hit-ratio-chart';
import { ClientsTable } from '../components/clients-table';
import { ErrorNotice, Loading } from '../components/query-states';
import { RateChart } from '../components/rate-chart';
import { ReplicasTable } from '../components/replicas-table';
import { StatsSummary } from '../components/stats-summary';
import { UsageMeters } from '../components/usage-meters';
import { useDocumentTitle } from '../hooks/use-document-title';
import { outcomeCounts } from '../lib/history';
import { POLL_MS } from '../lib/polling';
import { useTRPC } from '../trpc';

export function OverviewPage() {
  useDocumentTitle('Overview');
  const trpc = useTRPC();
  const health = useQuery(trpc.health.queryOptions(undefined, { refetchInterval: POLL_MS.health }));
  const stats = useQuery(trpc.stats.queryOptions(undefined, { refetchInterval: POLL_MS.stats }));
  const history = useQuery(trpc.history.queryOptions(undefined, { refetchInterval: POLL_MS.history }));

  return (
    <>
      <div className="page-heading">
        <h1>Overview</h1>
        {health.data && <HealthSummary health={health.data} />}
        {health.isError && <ErrorNotice title="Health unknown" error={health.error} />}
      </div>

      <section className="panel" aria-labelledby="counters-title">
        <h2 id="counters-title">
          {stats.data?.scope === 'shared' ? 'All replicas sharing this Redis' : 'Since the proxy started'}
        </h2>
        {stats.isPending && <Loading what="statistics" />}
        {stats.isError && <ErrorNotice title="Statistics unavailable" error={stats.error} />}
        {stats.data && (
          <>
            <StatsSummary stats={stats.data} />
            <UsageMeters stats={stats.data} />
            {stats.data.replicas.length > 0 && <ReplicasTable replicas={stats.data.replicas} self={stats.data.replica.id} />}
            {stats.data.clients.length > 0 && <ClientsTable clients={stats.data.clients} />}
          </>
        )}
      </section>

      <div className="charts">
        {history.isPending && <Loading what="traffic history" />}
        {history.isError && <ErrorNotice title="Traffic history unavailable" error={history.error} />}
        {history.data && (
          <>
            <RateChart history={history.data} counts={stats.data && outcomeCounts(stats.data)} />
            <HitRatioChart history={history.data} />
          </>
        )}
      </div>
    </>
  );
}
