# One image for the controller, the load tester and the dashboard:
#   podman/docker run IMAGE                  the controller (default command)
#   podman/docker run IMAGE loadtester ...   the load tester (hey and curl are in the image)
#   podman/docker run IMAGE dashboard ...    the dashboard; any other `aviary` command works the same
#
# The bases are build arguments. The defaults are Node's official image (what .github/workflows/release.yml
# builds on); scripts/image.sh builds on local bases made without a registry (docs/image.md). BASE must
# have node in its PATH and /bin/sh; tini, curl and hey are installed with apt only when BASE lacks them
# (the local base has them, Node's official image does not). BUILD_BASE must also have npm.
ARG BASE=docker.io/library/node:24-bookworm-slim
ARG BUILD_BASE=docker.io/library/node:24-bookworm-slim

# 1. Build: the TypeScript compiler, esbuild and everything else in devDependencies, then
#    `npm run build -- --bundle`: dist/ holds Aviary and its production dependencies as one set of ES
#    modules, so the runtime needs no node_modules (4.5 MB instead of 52 MB).
FROM ${BUILD_BASE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
# No install scripts run: the build needs none. The optional secret `npm_ca` is a CA bundle for npm to
# trust besides Node's own (a TLS-inspecting proxy's, as on the machine scripts/image.sh runs on); it is
# mounted for this step only and is in no layer. The cache mount keeps npm's download cache between builds.
RUN --mount=type=secret,id=npm_ca --mount=type=cache,target=/root/.npm \
    if [ -f /run/secrets/npm_ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/npm_ca; fi; \
    npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/build.mjs scripts/
COPY src src
# The commit `aviary version` reports (the build context has no .git).
ARG AVIARY_COMMIT=unknown
RUN AVIARY_COMMIT=${AVIARY_COMMIT} npm run build -- --bundle

# 2. Runtime.
FROM ${BASE}
USER root
RUN set -e; \
    if ! command -v tini >/dev/null || ! command -v curl >/dev/null || ! command -v hey >/dev/null; then \
      apt-get update; \
      DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ca-certificates tini curl hey; \
      rm -rf /var/lib/apt/lists/* /var/cache/apt/*; \
    fi; \
    grep -q '^[^:]*:[^:]*:65532:' /etc/passwd || \
      echo 'aviary:x:65532:65532:aviary:/tmp:/usr/sbin/nologin' >>/etc/passwd; \
    grep -q '^[^:]*:[^:]*:65532:' /etc/group || echo 'aviary:x:65532:' >>/etc/group
WORKDIR /app
COPY --from=build /src/dist dist
COPY package.json ./
COPY bin bin
# Nothing is written outside /tmp (mount an emptyDir there: the root filesystem may be read-only).
ENV NODE_ENV=production HOME=/tmp TMPDIR=/tmp
USER 65532:65532
EXPOSE 8080
# tini is PID 1: it forwards SIGTERM to node and reaps the load tester's finished commands.
ENTRYPOINT ["tini", "--", "node", "/app/bin/aviary.js"]
CMD ["controller"]
