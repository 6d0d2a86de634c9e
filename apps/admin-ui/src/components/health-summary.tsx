import type { Health } from '@caching-proxy/shared';
import { formatSeconds } from '../lib/format';

export function HealthSummary({ health }: { health: Health }) {
  const failing = Object.entries(health.checks).filter(([, check]) => !check.ok);
  return (
    <section className="health" aria-label="Health">
      <span className={`badge badge-${health.status}`}>{health.status === 'healthy' ? 'Healthy' : 'Degraded'}</span>
      <span>
        Backend <strong>{health.cache_backend}</strong>
      </span>
      <span>
        Version <strong>{health.version}</strong>
      </span>
      <span>
        Up <strong>{formatSeconds(health.uptime_seconds)}</strong>
      </span>
      {failing.map(([name, check]) => (
        <span key={name} className="health-failure">
          {name}: {check.detail ?? 'failing'}
        </span>
      ))}
    </section>
  );
}
