# syntax=docker/dockerfile:1
# stepstream on AWS Lambda: the Next.js standalone server behind Lambda Web Adapter, streaming.
#   docker build --platform linux/arm64 -t stepstream .
#   docker run --rm -p 8080:8080 stepstream          # then open http://localhost:8080
#
# `npm run smoke:lambda` replays the runner stage without Docker by reading this file
# (scripts/lambda/dockerfile.ts), so the runner stage keeps to FROM, ARG, WORKDIR, ENV,
# COPY, `RUN ln -s`, USER, EXPOSE and CMD: anything else there fails the smoke test loudly.

# Keep equal to the `node` devDependency in package.json (a unit test checks it).
ARG NODE_VERSION=24.21.0

# The build runs on the build machine's own architecture, never emulated: its output is plain
# JavaScript (no native addons reach the runner), so it serves either Lambda architecture.
FROM --platform=$BUILDPLATFORM public.ecr.aws/docker/library/node:${NODE_VERSION}-slim AS builder
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx next build

FROM public.ecr.aws/docker/library/node:${NODE_VERSION}-slim AS runner
# Lambda Web Adapter 1.0.0-rc1: the release LWA's README and its Next.js streaming example pin,
# and the first with AWS_LWA_READINESS_CHECK_HEALTHY_STATUS (0.9.x treats any status below 500,
# a 404 included, as ready). Pinned exactly: the adapter sits on every request's path.
COPY --from=public.ecr.aws/awsguru/aws-lambda-adapter:1.0.0-rc1 /lambda-adapter /opt/extensions/lambda-adapter
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
# Lambda's task root is read-only; /tmp is the one writable place, so Next's cache lives there.
RUN ln -s /tmp/cache ./.next/cache
# Files stay root-owned and world-readable, and the server runs as `node`: under `docker run` the
# app cannot rewrite itself either. On Lambda a least-privileged default user runs the image.
USER node
EXPOSE 8080
CMD ["node", "server.js"]
