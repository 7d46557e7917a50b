/**
 * `npm run bench:cold-start`: cold starts of the image's runner layout (replayed from the
 * Dockerfile, read-only, as in `npm run smoke:lambda`), side by side with the smallest Next.js
 * standalone app laid out the same way (scripts/bench/minimal-next), starts alternating so both see
 * the same host. For each start: spawn → first 200 from the readiness path (polled every 10 ms, as
 * Lambda Web Adapter does), idle RSS; for the app, then the first run sent at once, as LWA forwards
 * the waiting request at readiness (its first step, its end) and the peak RSS. The app runs a
 * third way, with Node's module compile cache (built into the image, scripts/image/) turned off,
 * to weigh that lever. Also the layout's size on disk.
 * Prints a table with each figure's ratio to the reference and the goal, and writes
 * .bench/cold-start.json. Needs `npm run build` first.
 *
 *   npm run bench:cold-start -- --starts 20
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { freePort } from "../tests/support/app-server.ts";
import { machineInfo } from "./bench/machine.ts";
import { buildMinimalNext } from "./bench/minimal-next.ts";
import { type ColdStartReport, coldStartTable } from "./bench/report.ts";
import { streamRun, terminalParts } from "./lambda/run-client.ts";
import { layoutSize, readProjectRunnerPlan } from "./lambda/runner-layout.ts";
import { prepareSandbox, resetTmp, type Sandbox, startSandboxServer } from "./lambda/sandbox.ts";

const projectRoot = fileURLToPath(new URL("..", import.meta.url));
const { values } = parseArgs({
  options: {
    starts: { type: "string", default: "12" },
    out: { type: "string", default: ".bench/cold-start.json" },
  },
});
const starts = Math.max(5, Number(values.starts));
const MB = 1024 * 1024;

interface ColdStart {
  readyMs: number;
  idleRssMb: number;
  firstStepMs: number;
  firstRunMs: number;
  peakRssMb: number;
}

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
const median = (list: number[]) => {
  const sorted = [...list].sort((a, b) => a - b);
  const middle = sorted.length / 2;
  return sorted.length % 2
    ? (sorted[Math.floor(middle)] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
};
const summarize = (list: number[]) => {
  const sorted = [...list].sort((a, b) => a - b);
  return {
    median: median(list),
    p90: quantile(sorted, 0.9),
    worst: sorted.at(-1) ?? 0,
    best: sorted[0] ?? 0,
  };
};

interface ReferenceStart {
  readyMs: number;
  idleRssMb: number;
}

async function coldStart(sandbox: Sandbox, env: Record<string, string> = {}): Promise<ColdStart> {
  resetTmp(sandbox);
  // The zero-delay offline model: the run's latency is the app's, not a simulated model's.
  const server = await startSandboxServer(sandbox, {
    port: await freePort(),
    env: { MODEL_PROVIDER: "offline", OFFLINE_TOKENS_PER_SECOND: "0", ...env },
  });
  try {
    const idle = server.memory();
    const run = await streamRun(server.url, { workflow: "report-writer", input: "Cold start: is it ready?" });
    const terminals = terminalParts(run);
    if (terminals.length !== 1 || terminals[0]?.part.type !== "finish") {
      throw new Error(`The first run did not finish cleanly:\n${server.output()}`);
    }
    const firstStep = run.parts.find(({ part }) => part.type === "data-step");
    return {
      readyMs: server.readyMs,
      idleRssMb: idle.rss / MB,
      firstStepMs: firstStep?.at ?? Number.NaN,
      firstRunMs: run.totalMs,
      peakRssMb: server.memory().peak / MB,
    };
  } finally {
    await server.stop();
  }
}

async function referenceStart(sandbox: Sandbox): Promise<ReferenceStart> {
  resetTmp(sandbox);
  const server = await startSandboxServer(sandbox, { port: await freePort() });
  try {
    return { readyMs: server.readyMs, idleRssMb: server.memory().rss / MB };
  } finally {
    await server.stop();
  }
}

const appPlan = readProjectRunnerPlan(projectRoot);
console.log("Building the reference: the smallest Next.js standalone app");
const minimal = buildMinimalNext(projectRoot, appPlan);
const sandbox = prepareSandbox(projectRoot);
const reference = prepareSandbox(minimal.root, minimal.plan);
const sizeMb = layoutSize(sandbox.taskRoot) / MB;
/** The same image with Node's compile cache turned off: the lever's worth, side by side. */
const noCompileCache = { NODE_DISABLE_COMPILE_CACHE: "1" };
const results: ColdStart[] = [];
const withoutCache: ColdStart[] = [];
const references: ReferenceStart[] = [];
try {
  for (let index = 0; index < starts; index++) {
    // Rotating the order each round spreads the host's drift over all three.
    const order = [0, 1, 2].map((k) => (k + index) % 3);
    for (const which of order) {
      if (which === 0) results.push(await coldStart(sandbox));
      else if (which === 1) withoutCache.push(await coldStart(sandbox, noCompileCache));
      else references.push(await referenceStart(reference));
    }
    process.stdout.write(
      `  round ${index + 1}/${starts}: ready in ${results.at(-1)?.readyMs.toFixed(0)} ms (app), ` +
        `${withoutCache.at(-1)?.readyMs.toFixed(0)} ms (app without its compile cache), ` +
        `${references.at(-1)?.readyMs.toFixed(0)} ms (minimal Next.js)\n`,
    );
  }
} finally {
  sandbox.dispose();
  reference.dispose();
}

const app = (list: ColdStart[]) => ({
  readyMs: summarize(list.map((r) => r.readyMs)),
  idleRssMb: summarize(list.map((r) => r.idleRssMb)),
  firstStepMs: summarize(list.map((r) => r.firstStepMs)),
  firstRunMs: summarize(list.map((r) => r.firstRunMs)),
  peakRssMb: summarize(list.map((r) => r.peakRssMb)),
});
const report: ColdStartReport = {
  takenAt: new Date().toISOString(),
  machine: machineInfo(),
  starts,
  layoutMb: sizeMb,
  app: app(results),
  appWithoutCompileCache: app(withoutCache),
  reference: {
    readyMs: summarize(references.map((r) => r.readyMs)),
    idleRssMb: summarize(references.map((r) => r.idleRssMb)),
  },
};
mkdirSync(".bench", { recursive: true });
writeFileSync(values.out, `${JSON.stringify({ ...report, results, withoutCache, references }, null, 2)}\n`);
console.log(
  `\nCold starts of the runner layout: ${starts} of each, alternating, on ${report.machine.cpus} × ${report.machine.cpuModel}, Node ${process.version}\n`,
);
console.log(coldStartTable(report).join("\n"));
console.log(`\nWrote ${values.out}`);
