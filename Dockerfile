# syntax=docker/dockerfile:1

# ---- build: the toolchain better-sqlite3 needs to compile, dev dependencies, TypeScript ----
FROM node:24-bookworm-slim AS build
WORKDIR /app
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
# Sources first: `npm ci` runs the `prepare` script (npm run build), which compiles dist/ with tsc and
# copies Mermaid's browser bundle out of the mermaid devDependency into public/vendor/.
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY schemas ./schemas
COPY models ./models
COPY bin ./bin
# The build also copies the browser bundles (Mermaid for the diagram, Redoc for /docs) from
# node_modules into public/vendor/: the image ships those files, not the package trees.
COPY scripts ./scripts
COPY public ./public
RUN npm ci --no-audit --no-fund \
 && npm prune --omit=dev --no-audit --no-fund \
 && test -s public/vendor/mermaid.min.js \
 && test -s public/vendor/redoc.standalone.js
# A driver that did not compile (no prebuilt binary, a toolchain problem, install scripts not run)
# stops the build here instead of the server at its first start.
RUN node -e "try { require('better-sqlite3')(':memory:').close(); } catch (err) { console.error('better-sqlite3 did not build: ' + err.message); process.exit(1); }"

# ---- runtime: production dependencies and compiled code only, as a non-root user ----
FROM node:24-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    DATABASE_PATH=/data/flowbot.sqlite
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The web chat page with the vendored Mermaid bundle, next to dist/ (dist/transport/http finds it as
# ../../../public); mermaid itself is a devDependency and is not in node_modules here.
COPY --from=build /app/public ./public
COPY package.json ./
COPY bin ./bin
COPY schemas ./schemas
COPY models ./models
COPY flows ./flows
# The same check in the image that runs: the native module loads against this image's libraries.
RUN node -e "try { require('better-sqlite3')(':memory:').close(); } catch (err) { console.error('better-sqlite3 does not load: ' + err.message); process.exit(1); }" \
 && mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
STOPSIGNAL SIGTERM
CMD ["node", "bin/flowbot.js", "serve"]
