/**
 * `npm run bench:cold-start`: cold starts of the image's runner layout (replayed from the
 * Dockerfile, read-only, as in `npm run smoke:lambda`). For each start: spawn → first 200 from the
 * readiness path (polled every 10 ms, as Lambda Web Adapter does), idle RSS, then the first whole
 * run (time to its first step and to its end) and the peak RSS. Also the layout's size on disk.
 * Prints a table and writes .bench/cold-start.json. Needs `npm run build` first.
 *
 *   npm run bench:cold-start -- --starts 20
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { machineInfo } from "./bench/machine.ts";
import { streamRun, terminalParts } from "./lambda/run-client.ts";
import { layoutSize } from "./lambda/runner-layout.ts";
import { prepareSandbox, resetTmp, startSandboxServer } from "./lambda/sandbox.ts";

const projectRoot = fileURLToPath(new URL("..", import.meta.url));
const { values } = parseArgs({
  options: {
    starts: { type: "string", default: "12" },
    out: { type: "string", default: ".bench/cold-start.json" },
  },
});
const starts = Math.max(10, Number(values.starts));
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

async function coldStart(sandbox: ReturnType<typeof prepareSandbox>): Promise<ColdStart> {
  resetTmp(sandbox);
  // The zero-delay offline model: the run's latency is the app's, not a simulated model's.
  const server = await startSandboxServer(sandbox, {
    env: { MODEL_PROVIDER: "offline", OFFLINE_TOKENS_PER_SECOND: "0" },
  });
  try {
    await new Promise((resolve) => setTimeout(resolve, 500)); // Let start-up work settle.
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

const sandbox = prepareSandbox(projectRoot);
const sizeMb = layoutSize(sandbox.taskRoot) / MB;
const results: ColdStart[] = [];
try {
  for (let index = 0; index < starts; index++) {
    const result = await coldStart(sandbox);
    results.push(result);
    process.stdout.write(`  start ${index + 1}/${starts}: ready in ${result.readyMs.toFixed(0)} ms\n`);
  }
} finally {
  sandbox.dispose();
}

const report = {
  takenAt: new Date().toISOString(),
  machine: machineInfo(),
  starts,
  layoutMb: sizeMb,
  readyMs: summarize(results.map((r) => r.readyMs)),
  idleRssMb: summarize(results.map((r) => r.idleRssMb)),
  firstStepMs: summarize(results.map((r) => r.firstStepMs)),
  firstRunMs: summarize(results.map((r) => r.firstRunMs)),
  peakRssMb: summarize(results.map((r) => r.peakRssMb)),
  targets: { readyMedianMs: 400, layoutMb: 60, idleRssMb: 150 },
};
mkdirSync(".bench", { recursive: true });
writeFileSync(values.out, `${JSON.stringify({ ...report, results }, null, 2)}\n`);

const row = (
  name: string,
  s: { median: number; p90: number; worst: number },
  unit: string,
  target?: string,
) =>
  `| ${name} | ${s.median.toFixed(0)} ${unit} | ${s.p90.toFixed(0)} ${unit} | ${s.worst.toFixed(0)} ${unit} | ${target ?? ""} |`;
console.log(
  `\nCold starts of the runner layout: ${starts}, on ${report.machine.cpus} × ${report.machine.cpuModel}, Node ${process.version}\n`,
);
console.log("| measure | median | p90 | worst | target |\n|---|---|---|---|---|");
console.log(row("spawn → readiness 200", report.readyMs, "ms", "median ≤ 400 ms"));
console.log(row("idle RSS after readiness", report.idleRssMb, "MB", "≤ 150 MB"));
console.log(row("first run: first step", report.firstStepMs, "ms"));
console.log(row("first run: whole run", report.firstRunMs, "ms"));
console.log(row("peak RSS during the first run", report.peakRssMb, "MB"));
console.log(`| runner layout on disk | ${sizeMb.toFixed(1)} MB | | | ≤ 60 MB |`);
console.log(`\nWrote ${values.out}`);
