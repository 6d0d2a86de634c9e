import type { ClientRequests } from '@caching-proxy/shared';
import { formatCount } from '../lib/format';

/** Forward-mode requests per client name (`network` or a DATA_API_KEYS name), as this replica counted them. */
export function ClientsTable({ clients }: { clients: readonly ClientRequests[] }) {
  return (
    <div className="table-scroll">
      <table className="clients cards">
        <caption>Data-plane clients</caption>
        <thead>
          <tr>
            <th scope="col">Client</th>
            <th scope="col" className="number">
              Requests
            </th>
          </tr>
        </thead>
        <tbody>
          {clients.map((client) => (
            <tr key={client.name}>
              <td data-label="Client">
                <code>{client.name}</code>
              </td>
              <td className="number" data-label="Requests">
                {formatCount(client.requests)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
