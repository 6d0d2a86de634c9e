import type { ReplicaStats } from '@caching-proxy/shared';
import { formatCount } from '../lib/format';
import { OUTCOME_LABELS, OUTCOMES, outcomeCounts } from '../lib/history';

/** Each replica's own outcomes, when the replicas share their statistics through Redis (columns in card order). */
export function ReplicasTable({ replicas, self }: { replicas: readonly ReplicaStats[]; self: string }) {
  return (
    <div className="table-scroll">
      <table className="replicas cards">
        <caption>Replicas sharing this cache</caption>
        <thead>
          <tr>
            <th scope="col">Replica</th>
            {OUTCOMES.map((outcome) => (
              <th key={outcome} scope="col" className="number">
                {OUTCOME_LABELS[outcome].many}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {replicas.map((replica) => {
            const counts = outcomeCounts(replica);
            return (
              <tr key={replica.id}>
                <td className="url-cell" data-label="Replica">
                  <code>{replica.id}</code>
                  {replica.id === self && <span className="tag">this dashboard</span>}
                </td>
                {OUTCOMES.map((outcome) => (
                  <td key={outcome} className="number" data-label={OUTCOME_LABELS[outcome].many}>
                    {formatCount(counts[outcome])}
                  </td>
                ))}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
