# syntax=docker/dockerfile:1
# stepstream on AWS Lambda: the Next.js standalone server behind Lambda Web Adapter, streaming.
#   docker build --platform linux/arm64 -t stepstream .
#   docker run --rm -p 8080:8080 stepstream          # then open http://localhost:8080
#
# Two tests replay this file without Docker, so they cannot drift from it:
# - `npm run smoke:image` builds the app the builder stage's way (its COPY and RUN lines, in the
#   context .dockerignore lets through) and checks the runner stage's files exist;
# - `npm run smoke:lambda` replays the runner stage (scripts/lambda/dockerfile.ts), which keeps to
#   FROM, ARG, WORKDIR, ENV, COPY, USER, EXPOSE and CMD: anything else there fails it loudly.

# Keep equal to the `node` devDependency in package.json (a unit test checks it).
ARG NODE_VERSION=24.21.0

# The builder runs on the build machine's own architecture: its output is plain JavaScript (no
# native addons reach the runner), so it serves either Lambda architecture.
FROM --platform=$BUILDPLATFORM public.ecr.aws/docker/library/node:${NODE_VERSION}-slim AS builder
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx next build
# Puts the entry point (start.mjs) beside server.js and fills Node's module compile cache by one
# offline run of the built server: a cold start then compiles far less (docs/performance.md). The
# cache serves only a runner of the builder's architecture, so build an arm64 image on an arm64
# machine to get it; elsewhere the server starts as it would without.
RUN node scripts/image/warm-compile-cache.mjs .next/standalone
# Lambda's task root is read-only; /tmp is the one writable place, so Next's cache lives there,
# and so does the directory start.mjs links the compile cache from for the user the image runs as.
# The links are made here and copied with the standalone tree, so the runner stage runs nothing:
# no instruction of the runner needs the target architecture, and no build machine emulates it.
RUN ln -s /tmp/cache .next/standalone/.next/cache
RUN ln -s /tmp/node-compile-cache .next/standalone/.node-compile-cache

FROM public.ecr.aws/docker/library/node:${NODE_VERSION}-slim AS runner
# Lambda Web Adapter 1.1.0, its newest general-availability release (the v1.1.0 tag, published
# for amd64 and arm64 on 2026-09-18; aws/aws-lambda-web-adapter#871). GA since 1.0.0, which made
# AWS_LWA_READINESS_CHECK_HEALTHY_STATUS the one readiness setting (codes and ranges, default
# 100-499, so a 404 would count as ready) and removed ..._MIN_UNHEALTHY_STATUS; 1.0.1 and 1.1.0
# fixed header sanitizing and extension registration and added opt-in SnapStart hooks, none of
# which changes the variables below. Pinned exactly: the adapter sits on every request's path.
COPY --from=public.ecr.aws/awsguru/aws-lambda-adapter:1.1.0 /lambda-adapter /opt/extensions/lambda-adapter
ENV NODE_ENV=production
ENV NEXT_TELEMETRY_DISABLED=1
ENV PORT=8080
ENV HOSTNAME=0.0.0.0
ENV AWS_LWA_INVOKE_MODE=response_stream
ENV AWS_LWA_READINESS_CHECK_PATH=/api/health
ENV AWS_LWA_READINESS_CHECK_HEALTHY_STATUS=200
# The app ends running runs as "interrupted" on SIGTERM before exiting (lib/server/shutdown.ts).
ENV NEXT_MANUAL_SIG_HANDLE=true
# `docker run` keeps runs in SQLite on /tmp; the Lambda function sets RUN_STORE=dynamodb.
ENV RUNS_DB_PATH=/tmp/stepstream/runs.db
WORKDIR /app
COPY --from=builder /app/.next/standalone ./
COPY --from=builder /app/.next/static ./.next/static
COPY --from=builder /app/public ./public
# Files stay root-owned and world-readable, and the server runs as `node`: under `docker run` the
# app cannot rewrite itself either. On Lambda a least-privileged default user runs the image.
USER node
EXPOSE 8080
CMD ["node", "start.mjs"]
