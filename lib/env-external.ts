/**
 * Environment variables that are not the app's settings, so `lib/env.ts` does not read them: npm,
 * Next.js or the shell sets them, or a program around the app reads them. They are documented here,
 * once: docs/configuration.md lists them (`npm run docs:config`), and a test fails on any
 * `process.env` read in the app or scripts of a variable that is neither here nor in lib/env.ts.
 */
export interface ExternalEnvVariable {
  name: string;
  /** Who sets it. */
  setBy: string;
  /** Who reads it, and why. */
  readBy: string;
}

export const externalEnvVariables: readonly ExternalEnvVariable[] = [
  {
    name: "STEPSTREAM_HOST",
    setBy: "you, in the shell (default `127.0.0.1`)",
    readBy:
      "`npm run dev`, `npm start` and `npm run demo` (package.json) listen on it; `0.0.0.0` exposes the app, and your AWS credentials' spending, to your whole network",
  },
  {
    name: "PORT",
    setBy: "you (default `3000`); the Lambda image sets `8080`",
    readBy: "Next.js's standalone server: the port it listens on",
  },
  {
    name: "HOSTNAME",
    setBy: "`npm start` (from `STEPSTREAM_HOST`); the Lambda image sets `0.0.0.0`",
    readBy: "Next.js's standalone server: the address it listens on",
  },
  {
    name: "NEXT_MANUAL_SIG_HANDLE",
    setBy: "`npm start` and the Lambda image",
    readBy:
      "Next.js leaves SIGTERM and SIGINT to the app; `lib/server/shutdown.ts` then exits itself once running runs are ended",
  },
  {
    name: "NEXT_RUNTIME",
    setBy: "Next.js",
    readBy: "`instrumentation.ts`: the shutdown handler is installed in the Node.js runtime only",
  },
  {
    name: "NODE_ENV",
    setBy: "Next.js (`development` under `next dev`)",
    readBy: "`next.config.js`: the development server's Content-Security-Policy allows what hot reload needs",
  },
  {
    name: "NODE_DISABLE_COMPILE_CACHE",
    setBy: "you, optionally (`1`); `npm run bench:cold-start` for its comparison",
    readBy:
      "Node.js, and the image's `start.mjs`: the server starts without the compile cache the image was built with",
  },
  {
    name: "NEXT_TELEMETRY_DISABLED",
    setBy: "the npm scripts and the Lambda image",
    readBy: "Next.js: sends no telemetry",
  },
  {
    name: "INIT_CWD",
    setBy: "npm: the folder `npm` was run from",
    readBy: "`lib/runs/store/paths.ts`: `.data/` goes there, not in the standalone build a rebuild deletes",
  },
  {
    name: "CHROMIUM_PATH",
    setBy: "you, optionally",
    readBy: "`scripts/ensure-browser.ts` and `playwright.config.ts`: the Chromium the browser tests drive",
  },
  {
    name: "SST_STAGE",
    setBy: "you, optionally",
    readBy: "`scripts/typecheck-sst.mjs`: the stage `sst install` runs under (default `typecheck`)",
  },
];
