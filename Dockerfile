# Weir: server, worker and CLI in one image (docs/production.md).
#   docker build -t weir .
#   docker run --rm --init -p 4200:4200 -e WEIR_API_KEY=... weir server start --host 0.0.0.0
# Stages: `build` compiles the package and the dashboard; `deps` installs production
# dependencies only; `runtime` is Node 24 LTS (bookworm-slim) with those, dist/, ui/dist/ and
# the examples, which import the package by its name ("weirflow", i.e. /app itself).
# Run it with an init process (`init: true` in docker-compose.yml, `docker run --init`): a
# worker starts a child process per flow run.

FROM node:24-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 compiles from source when no prebuilt binary matches.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
# npm runs the package's `prepare` step (bin/prepare-package.js); without src/ yet it builds nothing.
COPY bin ./bin
RUN npm ci
COPY . .
RUN npm run build

FROM node:24-bookworm-slim AS deps
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
COPY bin ./bin
RUN npm ci --omit=dev && npm cache clean --force

FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production \
    WEIR_HOME=/home/node/.weir
WORKDIR /app
# Workers fetch deployments' code with `pull: git` (docs/production.md, "Code that travels").
RUN apt-get update && apt-get install -y --no-install-recommends git ca-certificates && rm -rf /var/lib/apt/lists/*
COPY --from=deps /app/node_modules ./node_modules
# The example pipeline's engine and data (dev dependencies of the library, needed by the examples).
COPY --from=build /app/node_modules/@duckdb ./node_modules/@duckdb
COPY --from=build /app/node_modules/vega-datasets ./node_modules/vega-datasets
COPY --from=build /app/dist ./dist
COPY --from=build /app/ui/dist ./ui/dist
COPY package.json tsconfig.json weir.yaml ./
COPY bin/weir.js bin/weir-source-condition.js ./bin/
COPY examples ./examples
RUN chmod +x bin/weir.js \
 && ln -s /app/bin/weir.js /usr/local/bin/weir \
 && mkdir -p /home/node/.weir /app/examples/data-preprocessing/output \
 && chown -R node:node /home/node/.weir /app/examples/data-preprocessing/output
USER node
EXPOSE 4200
ENTRYPOINT ["weir"]
CMD ["server", "start", "--host", "0.0.0.0", "--port", "4200"]
