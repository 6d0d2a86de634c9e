/**
 * Writes apps/proxy/openapi.json from the router. The committed copy is checked by
 * test/control-plane/openapi-document.test.ts, so a stale one fails CI.
 */
import { writeFileSync } from 'node:fs';
import { buildOpenApiDocument } from '../src/control-plane/openapi.js';
import { VERSION } from '../src/version.js';

const target = new URL('../openapi.json', import.meta.url);
writeFileSync(target, `${JSON.stringify(buildOpenApiDocument(VERSION), null, 2)}\n`);
process.stdout.write(`wrote ${target.pathname}\n`);
