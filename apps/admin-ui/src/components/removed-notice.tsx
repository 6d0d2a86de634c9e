import type { ReactNode } from 'react';
import { formatCount } from '../lib/format';

function plural(count: number, one: string, many: string): string {
  return `${formatCount(count)} ${count === 1 ? one : many}`;
}

/**
 * What a purge or a clear removed, in both units the proxy counts: URLs (rows of the entry list)
 * and stored responses (every Vary variant; the unit of the Overview's "Stored responses").
 */
export function RemovedNotice({ verb, urls, responses, children }: { verb: string; urls: number; responses: number; children?: ReactNode }) {
  return (
    <p className="notice notice-success" role="status">
      {verb} {plural(urls, 'URL', 'URLs')} ({plural(responses, 'stored response', 'stored responses')}){children}.
    </p>
  );
}
