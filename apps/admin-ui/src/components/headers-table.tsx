import { EmptyState } from './query-states';

type HeaderMap = Record<string, string | string[]>;

/** Header fields as a two-column table; repeated fields show each value on its own line. */
export function HeadersTable({ caption, headers }: { caption: string; headers: HeaderMap }) {
  const names = Object.keys(headers).sort();
  if (names.length === 0) return <EmptyState>No {caption.toLowerCase()}.</EmptyState>;
  return (
    <div className="table-scroll">
      <table className="fields">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Value</th>
          </tr>
        </thead>
        <tbody>
          {names.map((name) => {
            const value = headers[name] ?? [];
            return (
              <tr key={name}>
                <th scope="row">{name}</th>
                <td>
                  {(Array.isArray(value) ? value : [value]).map((line, i) => (
                    <div key={i}>{line}</div>
                  ))}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
