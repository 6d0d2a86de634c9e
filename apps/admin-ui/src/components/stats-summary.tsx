import type { Stats } from '@caching-proxy/shared';
import { formatBytes, formatCount, formatPercent } from '../lib/format';
import { OUTCOME_LABELS, OUTCOMES, outcomeCounts } from '../lib/history';

interface Figure {
  label: string;
  value: string;
  hint?: string | undefined;
}

/** The figures, outcomes in the order of the chart legend. */
function figures(stats: Stats): Figure[] {
  const counts = outcomeCounts(stats);
  return [
    { label: 'Hit rate', value: formatPercent(stats.hit_rate), hint: '(hits + stale) / cacheable requests' },
    { label: 'Requests', value: formatCount(stats.total_requests) },
    ...OUTCOMES.map((outcome) => ({
      label: OUTCOME_LABELS[outcome].many,
      value: formatCount(counts[outcome]),
      hint: OUTCOME_LABELS[outcome].hint,
    })),
    { label: 'Bytes from cache', value: formatBytes(stats.bytes_from_cache) },
    { label: 'Bytes from origins', value: formatBytes(stats.bytes_from_origin) },
    { label: 'Coalesced', value: formatCount(stats.coalesced), hint: 'requests that waited for the same URL' },
    { label: 'Evictions', value: formatCount(stats.evictions) },
  ];
}

/** The counters since the proxy started, as a list of figures. */
export function StatsSummary({ stats }: { stats: Stats }) {
  return (
    <dl className="figures">
      {figures(stats).map((figure) => (
        <div key={figure.label} className="figure" title={figure.hint}>
          <dt>{figure.label}</dt>
          <dd>{figure.value}</dd>
        </div>
      ))}
    </dl>
  );
}
