import type { Stats } from '@caching-proxy/shared';
import { formatBytes, formatCount, formatPercent } from '../lib/format';

function UsageMeter({ id, label, value, max, format }: { id: string; label: string; value: number; max: number; format: (n: number) => string }) {
  return (
    <div className="usage">
      <label htmlFor={id}>{label}</label>
      <meter id={id} min={0} max={max} value={value} high={max * 0.9}>
        {formatPercent((value / max) * 100)}
      </meter>
      <span className="usage-text">
        {format(value)} of {format(max)} ({formatPercent(max === 0 ? 0 : (value / max) * 100)})
      </span>
    </div>
  );
}

/** Storage used against MAX_CACHE_SIZE and MAX_CACHE_BYTES. */
export function UsageMeters({ stats }: { stats: Stats }) {
  return (
    <div className="usage-list">
      <UsageMeter id="usage-entries" label="Entries" value={stats.entries} max={stats.max_entries} format={formatCount} />
      <UsageMeter id="usage-bytes" label="Stored bytes" value={stats.size_bytes} max={stats.max_bytes} format={formatBytes} />
    </div>
  );
}
