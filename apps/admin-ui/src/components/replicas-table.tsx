import type { ReplicaStats } from '@caching-proxy/shared';
import { formatCount } from '../lib/format';

/** Each replica's own outcomes, when the replicas share their statistics through Redis. */
export function ReplicasTable({ replicas, self }: { replicas: readonly ReplicaStats[]; self: string }) {
  return (
    <div className="table-scroll">
      <table>
        <caption>Replicas sharing this cache</caption>
        <thead>
          <tr>
            <th scope="col">Replica</th>
            <th scope="col" className="number">
              Hits
            </th>
            <th scope="col" className="number">
              Stale
            </th>
            <th scope="col" className="number">
              Revalidated
            </th>
            <th scope="col" className="number">
              Misses
            </th>
            <th scope="col" className="number">
              Bypasses
            </th>
            <th scope="col" className="number">
              Errors
            </th>
          </tr>
        </thead>
        <tbody>
          {replicas.map((replica) => (
            <tr key={replica.id}>
              <th scope="row">
                <code>{replica.id}</code>
                {replica.id === self && <span className="tag">this dashboard</span>}
              </th>
              <td className="number">{formatCount(replica.hits)}</td>
              <td className="number">{formatCount(replica.stale)}</td>
              <td className="number">{formatCount(replica.revalidated)}</td>
              <td className="number">{formatCount(replica.misses)}</td>
              <td className="number">{formatCount(replica.bypasses)}</td>
              <td className="number">{formatCount(replica.errors)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
