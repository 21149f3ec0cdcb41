# The Cameleer edge: the API, the console and the runners' tunnel on one port, configured by
# environment only (docs/configuration.md). Build from the repository root:
#
#   docker build -f docker/edge.Dockerfile -t ghcr.io/cameleer/cameleer-edge:0.1.0 .
#
# NODE_IMAGE: the Node base (official by default; the tests pass one assembled locally).
# BUNDLE=build installs the workspace and bundles inside the build stage; BUNDLE=context takes
# dist/image/edge from the context, made beforehand by `npx tsx scripts/image-bundle.ts edge`.
ARG NODE_IMAGE=node:22-bookworm-slim

FROM ${NODE_IMAGE} AS build
ARG BUILD_ID=
LABEL org.cameleer.image-build="${BUILD_ID}"
ARG BUNDLE=build
WORKDIR /src
COPY . .
RUN set -e; \
    case "$BUNDLE" in \
      build) npm ci --ignore-scripts --no-audit --no-fund && npx tsx scripts/image-bundle.ts edge ;; \
      context) test -f dist/image/edge/edge/dist/node/edge.mjs || { echo "BUNDLE=context: run scripts/image-bundle.ts edge first" >&2; exit 1; } ;; \
      *) echo "BUNDLE must be build or context" >&2; exit 1 ;; \
    esac; \
    mkdir -p /out/app /out/var/lib/cameleer; \
    cp -R dist/image/edge/. /out/app/; \
    cp docker/edge-entrypoint.sh docker/edge-healthcheck.mjs /out/app/; \
    chmod 0755 /out/app/edge-entrypoint.sh; \
    chown -R 10001:10001 /out/var/lib/cameleer

FROM ${NODE_IMAGE}
ARG VERSION=0.1.0
LABEL org.opencontainers.image.title="cameleer-edge" \
      org.opencontainers.image.description="Cameleer control plane: API, console and runner tunnel for Apache Camel apps" \
      org.opencontainers.image.source="https://github.com/cameleer/cameleer" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.licenses="LicenseRef-Proprietary"
COPY --from=build /out/ /
# The embedded ClickHouse (chDB, ~560 MB) is not in the image: telemetry goes to a ClickHouse
# server at CAMELEER_CLICKHOUSE_URL, or is off (the entrypoint says which).
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    CAMELEER_DATA_DIR=/var/lib/cameleer \
    CAMELEER_LOCAL_RUNNER=false
USER 10001:10001
WORKDIR /var/lib/cameleer
VOLUME ["/var/lib/cameleer"]
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "/app/edge-healthcheck.mjs"]
ENTRYPOINT ["/app/edge-entrypoint.sh"]
