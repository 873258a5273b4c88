# syntax=docker/dockerfile:1
# Flixpeek on Node.js (the self-hosted path; docs/self-hosting.md), two targets from one build:
# - runtime (the last stage, what a plain `docker build` yields): `node dist/server.js` (HTTP) and
#   `node dist/cron.js "<cron expression>"` (the cron triggers);
# - transcoder (`docker build --target transcoder`): `node dist/transcoder.js` with Debian's ffmpeg.
# Nothing secret is built in: configuration arrives as environment variables at run time.
# test/ops/container-dockerfile.test.ts holds this file to these rules, and
# test/ops/container-content.test.ts runs exactly what the final stage holds (and the transcoder on it).

# Override with a digest (node:20-bookworm-slim@sha256:…) to pin the base image.
ARG NODE_IMAGE=node:20-bookworm-slim

# 1. Build: every dependency (esbuild, TypeScript sources), then `npm run build:node` → dist/.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build:node

# 2. Production dependencies only, from the lockfile; none of them needs an install script.
FROM ${NODE_IMAGE} AS dependencies
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

# 3. Transcoder: the same dist/, node_modules and manifests as runtime, plus ffmpeg/ffprobe. No HTTP: no EXPOSE, no HEALTHCHECK.
# Before runtime, so runtime stays the default (last) target.
FROM ${NODE_IMAGE} AS transcoder
# Debian's ffmpeg (ffprobe included), without the recommended extras; the apt lists go in the same layer.
RUN apt-get update && apt-get install -y --no-install-recommends ffmpeg && rm -rf /var/lib/apt/lists/*
# Jobs' scratch files: the scratch volume mounts here; with a read-only root, the only writable place besides /tmp.
RUN mkdir /scratch && chown 1000:1000 /scratch
# A volume, so a mount there starts as this folder, owner included: Fargate copies a VOLUME's folder into its bind
# mount (else root's, 0755), docker run makes a writable one even with --read-only. Kubernetes' emptyDir ignores it.
# /tmp too: the task mounts a volume there, which would otherwise be root's 0755, closed to the worker.
VOLUME ["/scratch", "/tmp"]
# Production unless the operator says otherwise (-e ENVIRONMENT=development): its checks run, and a missing secret
# stops the process instead of a per-process random one (the third audit's L4).
ENV NODE_ENV=production \
    ENVIRONMENT=production \
    TRANSCODE_SCRATCH_DIR=/scratch
WORKDIR /app
COPY --from=dependencies /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json package-lock.json ./
# The base image's `node` user, by number (runAsNonRoot); it owns /scratch.
USER 1000:1000
# node directly: SIGTERM reaches the worker, which stops its job and exits 0.
CMD ["node", "dist/transcoder.js"]

# 4. Runtime: dist/ + production node_modules + the manifests, owned by root and read-only to the app user.
FROM ${NODE_IMAGE} AS runtime
# Production unless the operator says otherwise (-e ENVIRONMENT=development): without its secrets the server does not
# start, /__scheduled does not exist, and emailed links never come from a request's Host (the third audit's L4).
ENV NODE_ENV=production \
    ENVIRONMENT=production \
    HOST=0.0.0.0 \
    PORT=8787
WORKDIR /app
COPY --from=dependencies /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json package-lock.json ./
# The base image's `node` user, by number so Kubernetes' runAsNonRoot can verify it.
USER 1000:1000
EXPOSE 8787
# Slim images have no curl: Node's own fetch asks the readiness endpoint.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8787) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node directly, not npm: SIGTERM reaches the server, and npm would write to a read-only $HOME.
CMD ["node", "dist/server.js"]
