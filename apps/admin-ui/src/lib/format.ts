const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'] as const;

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** A count with thousands separators: `12,345`. */
export function formatCount(value: number): string {
  return integer.format(value);
}

/** Bytes in powers of 1024, as the proxy's limits are configured: `512 B`, `1.5 KiB`, `256 MiB`. */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = unit === 0 || Math.abs(value) >= 100 ? 0 : 1;
  return `${value.toFixed(digits).replace(/\.0$/, '')} ${BYTE_UNITS[unit]}`;
}

/** A whole number of seconds as its two largest units: `45s`, `2m 5s`, `3h 20m`, `2d 4h`. */
export function formatSeconds(totalSeconds: number): string {
  const seconds = Math.max(0, Math.round(totalSeconds));
  const units: [number, string][] = [
    [Math.floor(seconds / 86_400), 'd'],
    [Math.floor((seconds % 86_400) / 3600), 'h'],
    [Math.floor((seconds % 3600) / 60), 'm'],
    [seconds % 60, 's'],
  ];
  const first = units.findIndex(([amount]) => amount > 0);
  if (first === -1) return '0s';
  return units
    .slice(first, first + 2)
    .filter(([amount]) => amount > 0)
    .map(([amount, unit]) => `${amount}${unit}`)
    .join(' ');
}

/** A duration in milliseconds: `0.8 ms`, `12 ms`, `1.25 s`. */
export function formatMilliseconds(ms: number): string {
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  return ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`;
}

/** A percentage with at most one decimal: `85.2 %`, `100 %`. */
export function formatPercent(percent: number): string {
  return `${percent.toFixed(1).replace(/\.0$/, '')} %`;
}

/** A request rate per second: `0`, `0.2/s`, `14/s`. */
export function formatRate(perSecond: number): string {
  if (perSecond === 0) return '0';
  const digits = perSecond >= 10 ? 0 : perSecond >= 1 ? 1 : 2;
  return `${Number(perSecond.toFixed(digits))}/s`;
}

/** An ISO 8601 time as local date and time, to the second. */
export function formatTimestamp(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'medium' });
}
