import type { Stats } from '@caching-proxy/shared';
import { formatBytes, formatCount, formatPercent } from '../lib/format';

/** A value against its bound; a bound of 0 means there is none (Redis without maxmemory), shown as "no limit". */
function UsageMeter({
  id,
  label,
  value,
  max,
  format,
  note,
}: {
  id: string;
  label: string;
  value: number;
  max: number;
  format: (n: number) => string;
  note?: string;
}) {
  const suffix = note === undefined ? '' : ` ${note}`;
  if (max <= 0) {
    return (
      <div className="usage">
        <span className="usage-label" id={id}>
          {label}
        </span>
        <span className="usage-text" aria-labelledby={id}>
          {format(value)}
          {suffix} — no limit
        </span>
      </div>
    );
  }
  const percent = formatPercent((value / max) * 100);
  return (
    <div className="usage">
      <label htmlFor={id}>{label}</label>
      <meter id={id} min={0} max={max} value={value} high={max * 0.9}>
        {percent}
      </meter>
      <span className="usage-text">
        {format(value)}
        {suffix} of {format(max)} ({percent})
      </span>
    </div>
  );
}

/** Storage used against MAX_CACHE_SIZE and MAX_CACHE_BYTES (Redis: its maxmemory, or no limit). */
export function UsageMeters({ stats }: { stats: Stats }) {
  return (
    <div className="usage-list">
      <UsageMeter
        id="usage-entries"
        label="Stored responses"
        value={stats.entries}
        max={stats.max_entries}
        format={formatCount}
        note={`(${formatCount(stats.urls)} ${stats.urls === 1 ? 'URL' : 'URLs'})`}
      />
      <UsageMeter id="usage-bytes" label="Stored bytes" value={stats.size_bytes} max={stats.max_bytes} format={formatBytes} />
    </div>
  );
}
