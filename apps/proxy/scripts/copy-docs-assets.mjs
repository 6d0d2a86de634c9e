/**
 * Copies the ReDoc standalone bundle next to the compiled docs module (dist/control-plane/docs/),
 * so that a production install serves /redoc without the `redoc` package (a devDependency: it
 * brings React and friends, which the proxy never runs on the server).
 */
import { copyFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const target = path.join(import.meta.dirname, '..', 'dist', 'control-plane', 'docs');
for (const file of ['redoc.standalone.js', 'redoc.standalone.js.LICENSE.txt']) {
  copyFileSync(require.resolve(`redoc/bundles/${file}`), path.join(target, file));
}
