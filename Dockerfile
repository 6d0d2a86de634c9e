# caching-proxy image: the proxy (apps/proxy), the workspace packages it imports (packages/*) and the
# admin dashboard's static build (apps/admin-ui/dist), on production dependencies only.
# How to build and run it: docs/docker.md.
#
#   docker build -t caching-proxy .
#   docker run --rm -p 8000:8000 -p 127.0.0.1:8001:8001 caching-proxy

ARG NODE_IMAGE=node:20-bookworm-slim

# ---------------------------------------------------------------------------------------------------
# manifests: the lock and every package.json, nothing else. The two `npm ci` layers below start from
# this stage's output, so they are rebuilt only when a manifest changes, not on every source edit.
FROM ${NODE_IMAGE} AS manifests
WORKDIR /app
COPY . .
RUN find . -type f ! -name package.json ! -name package-lock.json -delete \
 && find . -mindepth 1 -depth -type d -empty -delete

# ---------------------------------------------------------------------------------------------------
# build: all dependencies (devDependencies included), then compile the proxy, the workspace packages
# it depends on, and the dashboard when the workspace apps/admin-ui exists and has a build script.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
# swagger-ui-dist pulls in @scarf/scarf, whose install script reports installs; turbo has telemetry.
ENV SCARF_ANALYTICS=false \
    TURBO_TELEMETRY_DISABLED=1 \
    DO_NOT_TRACK=1
COPY --from=manifests /app ./
RUN npm ci --no-audit --no-fund
COPY . .
# Without a dashboard build the admin listener serves a "not built" page; apps/admin-ui/dist is
# created anyway for the COPY below. Only compiled output leaves this stage, gathered in /out:
# packages/*/dist, apps/proxy/dist and apps/admin-ui/dist, at their repository paths (the proxy finds
# the dashboard at apps/proxy/../admin-ui/dist).
RUN set -eu; \
    filters="--filter=@caching-proxy/proxy..."; \
    if [ -f apps/admin-ui/package.json ] \
       && node -e "process.exit(require('./apps/admin-ui/package.json').scripts?.build ? 0 : 1)"; then \
      filters="$filters --filter=@caching-proxy/admin-ui"; \
    fi; \
    npx turbo run build $filters; \
    mkdir -p apps/admin-ui/dist /out; \
    cp -r --parents packages/*/dist apps/proxy/dist apps/admin-ui/dist /out/

# ---------------------------------------------------------------------------------------------------
# deps: the production dependencies of @caching-proxy/proxy only (no devDependencies, none of the
# dashboard's React packages, which are bundled into its static build). The workspace packages are
# symlinked from node_modules/@caching-proxy/* to packages/* and apps/*, as in the repository.
# typescript (23 MB) comes in as a required peer dependency of @trpc/server, for its type definitions,
# and @types/* as optional ones: type-only packages that nothing loads at run time, so they go.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
ENV SCARF_ANALYTICS=false \
    DO_NOT_TRACK=1
COPY --from=manifests /app ./
RUN npm ci --omit=dev --workspace=@caching-proxy/proxy --no-audit --no-fund \
 && rm -rf node_modules/typescript node_modules/@types node_modules/.bin/tsc node_modules/.bin/tsserver \
 && npm cache clean --force

# ---------------------------------------------------------------------------------------------------
# runtime: what runs, nothing else. Files stay owned by root and read-only for the `node` user.
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    ADMIN_HOST=0.0.0.0
WORKDIR /app
COPY --from=deps /app ./
COPY --from=build /out/ ./
USER node
# PORT (data plane) and ADMIN_PORT (control plane, dashboard, /health): the schema's defaults.
EXPOSE 8000 8001
# /health never needs ADMIN_API_KEY and answers 200 while the proxy serves, also when Redis is down
# ("degraded": the proxy keeps serving from the origin). There is no curl in the slim image: Node asks.
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.ADMIN_PORT || '8001') + '/health', { signal: AbortSignal.timeout(4000) }).then((res) => process.exit(res.ok ? 0 : 1), () => process.exit(1))"]
# Node runs as PID 1 on purpose: main.ts handles SIGTERM and SIGINT itself (stop accepting, drain
# in-flight requests for up to SHUTDOWN_TIMEOUT_MS, close storage, exit 0), and it starts no child
# processes, so no init is needed to forward signals or reap zombies. `docker run --init` is harmless.
# Not `npm start`: npm would sit between the signal and the proxy.
STOPSIGNAL SIGTERM
CMD ["node", "apps/proxy/dist/main.js"]
