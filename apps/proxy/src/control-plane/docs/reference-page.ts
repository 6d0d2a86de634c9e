import type { OpenAPIObject } from 'trpc-to-openapi';

/**
 * A static, ReDoc-style API reference rendered on the server from the OpenAPI document: one
 * section per operation with its parameters, body and responses. No script, no CDN; every
 * string from the document is HTML-escaped.
 */

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

type Json = Record<string, unknown>;

function resolveRef(doc: OpenAPIObject, value: unknown): Json {
  const ref = (value as Json | undefined)?.$ref;
  if (typeof ref !== 'string') return (value ?? {}) as Json;
  const path = ref.replace(/^#\//, '').split('/');
  let node: unknown = doc;
  for (const part of path) node = (node as Json | undefined)?.[part];
  return (node ?? {}) as Json;
}

/** A display string for a document field that should be text. */
function text(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : '';
}

function schemaBlock(doc: OpenAPIObject, schema: unknown): string {
  const resolved = resolveRef(doc, schema);
  return `<pre>${escapeHtml(JSON.stringify(resolved, null, 2))}</pre>`;
}

function operationSection(doc: OpenAPIObject, method: string, path: string, operation: Json): string {
  const id = `${method}-${path}`.replace(/[^a-z0-9]+/gi, '-');
  const parameters = (operation.parameters as Json[] | undefined) ?? [];
  const parameterRows = parameters
    .map((p) => {
      const param = resolveRef(doc, p);
      return `<tr><td><code>${escapeHtml(text(param.name))}</code></td><td>${escapeHtml(text(param.in))}</td><td>${param.required ? 'yes' : 'no'}</td><td>${escapeHtml(text(param.description ?? (param.schema as Json | undefined)?.description))}</td></tr>`;
    })
    .join('');
  const responses = Object.entries((operation.responses as Json | undefined) ?? {})
    .map(([status, response]) => {
      const r = resolveRef(doc, response);
      const schema = ((r.content as Json | undefined)?.['application/json'] as Json | undefined)?.schema;
      return `<h4>${escapeHtml(status)} — ${escapeHtml(text(r.description))}</h4>${schema ? schemaBlock(doc, schema) : ''}`;
    })
    .join('');
  const secured = Array.isArray(operation.security) && operation.security.length > 0;
  return `<section id="${id}">
  <h2><span class="method ${escapeHtml(method)}">${escapeHtml(method.toUpperCase())}</span> <code>${escapeHtml(path)}</code></h2>
  <p>${escapeHtml(text(operation.summary))}</p>
  ${operation.description ? `<p>${escapeHtml(text(operation.description))}</p>` : ''}
  <p class="auth">${secured ? 'Requires <code>Authorization: Bearer &lt;ADMIN_API_KEY&gt;</code> when an API key is configured.' : 'No authentication.'}</p>
  ${parameters.length > 0 ? `<h3>Parameters</h3><table><tr><th>name</th><th>in</th><th>required</th><th>description</th></tr>${parameterRows}</table>` : ''}
  <h3>Responses</h3>${responses}
</section>`;
}

export function renderReferencePage(doc: OpenAPIObject): string {
  const sections: string[] = [];
  const toc: string[] = [];
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const [method, operation] of Object.entries(item as Json)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const id = `${method}-${path}`.replace(/[^a-z0-9]+/gi, '-');
      toc.push(`<li><a href="#${id}"><span class="method ${method}">${method.toUpperCase()}</span> ${escapeHtml(path)}</a></li>`);
      sections.push(operationSection(doc, method, path, operation as Json));
    }
  }
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(doc.info.title)} — API reference</title>
<style>
  body { margin: 0; font: 15px/1.5 system-ui, sans-serif; color: #1f2933; display: flex; }
  nav { width: 280px; background: #f5f7fa; padding: 1rem; position: sticky; top: 0; height: 100vh; overflow: auto; box-sizing: border-box; }
  nav ul { list-style: none; padding: 0; } nav li { margin: .3rem 0; } nav a { color: inherit; text-decoration: none; }
  main { flex: 1; padding: 1rem 2rem; max-width: 960px; }
  section { border-bottom: 1px solid #e4e7eb; padding: 1rem 0; }
  .method { display: inline-block; min-width: 4.5em; text-align: center; border-radius: 4px; color: #fff; font-size: .8em; padding: 0 .4em; background: #52606d; }
  .method.get { background: #2f855a; } .method.delete { background: #c53030; } .method.post { background: #2b6cb0; }
  pre { background: #1f2933; color: #e4e7eb; padding: .8rem; overflow: auto; border-radius: 4px; font-size: 13px; }
  table { border-collapse: collapse; } td, th { border: 1px solid #e4e7eb; padding: .2rem .6rem; text-align: left; }
  @media (max-width: 700px) { body { display: block; } nav { width: auto; height: auto; position: static; } }
</style>
</head>
<body>
<nav><strong>${escapeHtml(doc.info.title)}</strong><p>version ${escapeHtml(doc.info.version)} · <a href="/openapi.json">openapi.json</a> · <a href="/docs">Swagger UI</a></p><ul>${toc.join('')}</ul></nav>
<main><h1>${escapeHtml(doc.info.title)}</h1><p>${escapeHtml(doc.info.description ?? '')}</p>${sections.join('\n')}</main>
</body>
</html>`;
}
