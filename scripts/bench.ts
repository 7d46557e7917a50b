/**
 * `npm run bench`: how the app streams under load, against two references serving the same bytes
 * in the same run: a bare node:http server (the floor) and a minimal Next.js route handler (the
 * framework alone). Offline model with timestamped tokens; everything on loopback. Then the
 * layer-by-layer CPU of a run (`npm run bench:layers`) and the cold start of the container's
 * runner layout (`npm run bench:cold-start`). Prints a table and writes
 * .bench/bench.json. Needs `npm run build` first. docs/performance.md explains every figure.
 *
 *   npm run bench                     # all phases (about 10 minutes on 2 cores)
 *   npm run bench -- --quick          # shorter windows, smaller ramps
 *   npm run bench -- --no-cold-start  # skip the cold starts
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { startAppServer } from "../tests/support/app-server.ts";
import { machineInfo } from "./bench/machine.ts";
import {
  appBenchEnv,
  appTarget,
  capacity,
  machinery,
  referenceTarget,
  responsiveness,
  setWindowMs,
  startBare,
  tokenRelay,
} from "./bench/phases.ts";
import { type BenchReport, renderTable } from "./bench/report.ts";

const { values: args } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    "no-cold-start": { type: "boolean", default: false },
  },
});
const QUICK = args.quick;
setWindowMs(QUICK ? 4_000 : 8_000);
const WORKFLOW = "pitch-refiner";

const appAt = (rate: number) => startAppServer(appBenchEnv(rate));

async function streamingPhases(): Promise<Omit<BenchReport, "coldStart">> {
  const bare = await startBare();
  const next = await startAppServer({ BENCH_ROUTES: "1" });
  const refs = [
    referenceTarget("next", next.url, next.process.pid ?? 0),
    referenceTarget("bare", bare.url, bare.process.pid ?? 0),
  ];
  try {
    console.log("Token relay: 50 streams × 50 tokens/s");
    const app50 = await appAt(50);
    const tokenRelayResults: BenchReport["tokenRelay"] = {
      app: await tokenRelay(appTarget(app50, WORKFLOW), 50, 50),
    };
    await app50.stop();
    for (const ref of refs) tokenRelayResults[ref.name] = await tokenRelay(ref, 50, 50);

    console.log("Responsiveness: a new run's first node event, with 50 then 200 live runs at 30 tokens/s");
    const app30 = await appAt(30);
    const respond: BenchReport["responsiveness"] = {};
    const samples = QUICK ? 15 : 40;
    for (const live of [50, 200]) {
      respond[`app@${live}`] = await responsiveness(appTarget(app30, WORKFLOW), live, 30, samples);
      for (const ref of refs) respond[`${ref.name}@${live}`] = await responsiveness(ref, live, 30, samples);
    }
    await app30.stop();

    console.log(
      "Capacity: live runs each still getting 30 tokens/s (p99 token delay ≤ 50 ms, no lost events)",
    );
    const steps = QUICK ? [50, 100, 200, 500] : [50, 75, 100, 125, 150, 200, 300, 400, 500, 600, 800];
    // A fresh server, so the ramp's memory is the ramp's own.
    const appForCapacity = await appAt(30);
    const cap: BenchReport["capacity"] = {
      app: await capacity(appTarget(appForCapacity, WORKFLOW), 30, steps),
    };
    await appForCapacity.stop();
    for (const ref of refs) cap[ref.name] = await capacity(ref, 30, steps);

    console.log("Machinery cost: whole runs with a zero-delay model");
    const app0 = await appAt(0);
    // The references stream as many tokens as one of the app's runs does.
    const tokensPerRun = (await appTarget(app0, WORKFLOW).open({ rate: 0, tokens: 0 })).tokens;
    const cost: BenchReport["machinery"] = {};
    for (const concurrency of [1, 20]) {
      cost[`app@${concurrency}`] = await machinery(appTarget(app0, WORKFLOW), concurrency, tokensPerRun);
      for (const ref of refs)
        cost[`${ref.name}@${concurrency}`] = await machinery(ref, concurrency, tokensPerRun);
    }
    await app0.stop();
    return {
      tokenRelay: tokenRelayResults,
      responsiveness: respond,
      capacity: cap,
      machinery: cost,
      tokensPerRun,
    };
  } finally {
    await next.stop();
    bare.process.kill("SIGTERM");
  }
}

/** Runs one of the other benchmark scripts as it is, and folds the JSON it writes into this report. */
function runAndRead<T>(what: string, command: string, commandArgs: string[], out: string): T | string {
  console.log(what);
  const run = spawnSync(command, commandArgs, { stdio: "inherit" });
  if (run.status !== 0) return `failed (exit ${run.status}); run it alone to see why`;
  return JSON.parse(readFileSync(out, "utf8")) as T;
}

/** `npm run bench:layers` in the same sitting, so its in-process figures compare with these. */
const layers = () =>
  runAndRead<BenchReport["layers"]>(
    "Layers: CPU per run at each layer, in one process (npm run bench:layers)",
    "npx",
    ["vitest", "run", "--config", "scripts/bench/layers.vitest.config.ts"],
    ".bench/layers.json",
  );

/** The container issue's cold-start benchmark (`npm run bench:cold-start`). */
const coldStart = () =>
  args["no-cold-start"]
    ? "skipped (--no-cold-start)"
    : runAndRead<BenchReport["coldStart"]>(
        "Cold start: the image's runner layout, read-only (npm run bench:cold-start)",
        process.execPath,
        ["scripts/bench-cold-start.ts", "--starts", QUICK ? "10" : "16", "--out", ".bench/cold-start.json"],
        ".bench/cold-start.json",
      );

const report: BenchReport & Record<string, unknown> = {
  takenAt: new Date().toISOString(),
  machine: machineInfo(),
  quick: QUICK,
  ...(await streamingPhases()),
  layers: layers(),
  coldStart: coldStart(),
};
mkdirSync(".bench", { recursive: true });
writeFileSync(".bench/bench.json", `${JSON.stringify(report, null, 2)}\n`);
console.log(`\n${renderTable(report)}\n\nWrote .bench/bench.json`);
