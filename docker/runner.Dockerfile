# The Cameleer runner: registers with the edge on first start, then runs apps on the Docker engine
# whose socket is mounted (or on Kubernetes, in a cluster). Build from the repository root:
#
#   docker build -f docker/runner.Dockerfile -t ghcr.io/cameleer/cameleer-runner:0.1.0 .
#
# NODE_IMAGE: the Node base; JDK_IMAGE: a JDK 17 that compiles the agent JAR apps start with.
# BUNDLE=build installs the workspace and bundles inside the build stage; BUNDLE=context takes
# dist/image/runner from the context, made beforehand by `npx tsx scripts/image-bundle.ts runner`.
ARG NODE_IMAGE=node:22-bookworm-slim
ARG JDK_IMAGE=eclipse-temurin:17-jdk

FROM ${JDK_IMAGE} AS agent
ARG BUILD_ID=
LABEL org.cameleer.image-build="${BUILD_ID}"
WORKDIR /src
COPY runner/java/test-agent ./test-agent
RUN javac --release 17 -encoding UTF-8 -d classes $(find test-agent/src -name '*.java') \
 && jar --create --file cameleer-agent.jar --manifest test-agent/MANIFEST.MF -C classes .

FROM ${NODE_IMAGE} AS build
ARG BUNDLE=build
ARG BUILD_ID=
LABEL org.cameleer.image-build="${BUILD_ID}"
WORKDIR /src
COPY . .
COPY --from=agent /src/cameleer-agent.jar /out/app/agent/cameleer-agent.jar
RUN set -e; \
    case "$BUNDLE" in \
      build) npm ci --ignore-scripts --no-audit --no-fund && npx tsx scripts/image-bundle.ts runner ;; \
      context) test -f dist/image/runner/runner/dist/cli/runner.mjs || { echo "BUNDLE=context: run scripts/image-bundle.ts runner first" >&2; exit 1; } ;; \
      *) echo "BUNDLE must be build or context" >&2; exit 1 ;; \
    esac; \
    mkdir -p /out/usr/local/bin /out/var/lib/cameleer-runner; \
    cp -R dist/image/runner/. /out/app/; \
    cp docker/runner-entrypoint.sh /out/app/; \
    cp docker/cameleer-runner.sh /out/usr/local/bin/cameleer-runner; \
    chmod 0755 /out/app/runner-entrypoint.sh /out/usr/local/bin/cameleer-runner; \
    chown -R 10001:10001 /out/var/lib/cameleer-runner

FROM ${NODE_IMAGE}
ARG VERSION=0.1.0
LABEL org.opencontainers.image.title="cameleer-runner" \
      org.opencontainers.image.description="Cameleer runner: runs Apache Camel apps on Docker or Kubernetes for the Cameleer edge, over an outbound-only tunnel" \
      org.opencontainers.image.source="https://github.com/cameleer/cameleer" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.licenses="LicenseRef-Proprietary"
COPY --from=build /out/ /
# Apps' JRE base: the runner's own default (cameleer/jre:17) is made from a local JDK this image has not.
ENV NODE_ENV=production \
    CAMELEER_STATE_DIR=/var/lib/cameleer-runner \
    CAMELEER_AGENT_JAR=/app/agent/cameleer-agent.jar \
    CAMELEER_JRE_IMAGE=eclipse-temurin:17-jre
USER 10001:10001
WORKDIR /var/lib/cameleer-runner
VOLUME ["/var/lib/cameleer-runner"]
# Healthy while the runner runs and is connected to the edge.
HEALTHCHECK --interval=15s --timeout=10s --start-period=60s --retries=3 \
  CMD ["cameleer-runner", "status"]
ENTRYPOINT ["/app/runner-entrypoint.sh"]
