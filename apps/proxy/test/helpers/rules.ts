import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The example of issue #14, exactly as written. */
export const ISSUE_EXAMPLE = `rules:
  - name: search
    match: { path: "/api/search*" }
    key: { ignoreQuery: ["utm_*", "gclid"], sortQuery: true }
  - name: graphql
    match: { method: POST, path: "/graphql" }
    graphql: true
    ttl: 60
  - name: orders-writes
    match: { method: [POST, PUT, PATCH, DELETE], path: "/api/orders*" }
    invalidate: { prefixes: ["/api/orders"] }
`;

/** Writes a rules file into a fresh temporary directory; `remove` deletes it. */
export async function writeRulesFile(text: string): Promise<{ path: string; write(text: string): Promise<void>; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'cache-rules-'));
  const path = join(dir, 'rules.yaml');
  await writeFile(path, text);
  return { path, write: (next) => writeFile(path, next), remove: () => rm(dir, { recursive: true, force: true }) };
}
