// @ts-check
import { PHASE_DEVELOPMENT_SERVER } from "next/constants.js";
import { contentSecurityPolicy, SECURITY_HEADERS } from "./lib/http/security-headers.ts";

// The same security headers CloudFront's response headers policy sets (infra/cdn.ts), on every
// response the app itself serves: local use and `docker run` get them too. Development adds what
// React Refresh needs to the CSP.
const securityHeaders = Object.entries({
  ...SECURITY_HEADERS,
  "Content-Security-Policy": contentSecurityPolicy(process.env.NODE_ENV === "development"),
}).map(([key, value]) => ({ key, value }));

/** @type {import('next').NextConfig} */
const nextConfig = {
  // A self-contained server (.next/standalone/server.js) is what the Lambda image runs.
  output: "standalone",
  // gzip buffers a response until a chunk fills up, which would hold back streamed run events.
  compress: false,
  poweredByHeader: false,
  async headers() {
    return [{ source: "/:path*", headers: securityHeaders }];
  },
  reactStrictMode: true,
  // `next dev` serves its dev resources (HMR) only to its own origin; the browser tests, and anyone
  // who opens http://127.0.0.1:3000 rather than localhost, reach it by loopback address.
  allowedDevOrigins: ["127.0.0.1"],
  // No next/image here: without the optimizer the image ships without sharp and libvips (19 MB).
  images: { unoptimized: true },
  // "next-server" is the key Next matches against its own server's trace, which pulls sharp in.
  // The tool agent's search_docs reads the project's own docs: they go beside the server.
  outputFileTracingIncludes: {
    "/api/runs": ["./docs/*.md"],
    "/api/runs/[id]/resume": ["./docs/*.md"],
  },
  outputFileTracingExcludes: {
    "next-server": ["**/node_modules/sharp/**/*", "**/node_modules/@img/**/*"],
  },
  // The graph runtime and the AWS SDK stay plain Node requires: smaller bundles, and they load
  // only when the first run needs them, never on the health check.
  serverExternalPackages: [
    "@langchain/langgraph",
    "@langchain/core",
    "@langchain/aws",
    "@aws-sdk/client-bedrock-runtime",
  ],
};

/**
 * The production server (`next start`, the standalone server.js) loads every route and page at
 * start-up by default, before it answers the readiness check. Off, a cold start loads only what its
 * first request needs, and readiness comes sooner (docs/performance.md, cold start). The first page
 * then hydrates a little later; the task box keeps what is typed before that
 * (components/run/early-task-input.ts). `next dev` compiles on demand anyway, and would only list
 * the setting as an experiment.
 * @param {string} phase
 * @returns {import('next').NextConfig}
 */
export default function config(phase) {
  if (phase === PHASE_DEVELOPMENT_SERVER) return nextConfig;
  return { ...nextConfig, experimental: { preloadEntriesOnStart: false } };
}
