/**
 * `npm run bench`: how the app streams under load, against two references serving the same bytes
 * in the same run: a bare node:http server (the floor) and a minimal Next.js route handler (the
 * framework alone). Offline model with timestamped tokens; everything on loopback. Prints a table
 * and writes .bench/bench.json. Needs `npm run build` first.
 *
 *   npm run bench                 # all phases (about 5 minutes)
 *   npm run bench -- --quick      # shorter windows, smaller ramps
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { parseArgs } from "node:util";
import { type AppServer, startAppServer } from "../tests/support/app-server.ts";
import { getJson, percentile, readStream, type StreamResult, sleep } from "./bench/load-client.ts";

const { values: args } = parseArgs({ options: { quick: { type: "boolean", default: false } } });
const QUICK = args.quick;
const WINDOW_MS = QUICK ? 4_000 : 8_000;

interface Target {
  name: "app" | "next" | "bare";
  url: string;
  stats: string;
  /** Opens one stream of the kind this target serves. */
  open: (options: {
    rate: number;
    tokens: number;
    signal?: AbortSignal;
    onFirst?: () => void;
  }) => Promise<StreamResult>;
  pid: number;
}

interface Stats {
  rssBytes: number;
  cpuMs: number;
  eventLoopDelayP99Ms: number;
}

const FIRST_APP_EVENT = /"type":"data-step"/;
const FIRST_REFERENCE_EVENT = /"type":"(start|text-delta)"/;

async function startBare(): Promise<{ url: string; process: ChildProcess }> {
  const child = spawn(process.execPath, ["scripts/bench/reference-server.ts", "0"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const port = await new Promise<number>((resolve) => {
    child.stdout?.on("data", (data: Buffer) => {
      const match = /listening (\d+)/.exec(String(data));
      if (match?.[1]) resolve(Number(match[1]));
    });
  });
  return { url: `http://127.0.0.1:${port}`, process: child };
}

function appTarget(server: AppServer, workflow: string): Target {
  return {
    name: "app",
    url: server.url,
    stats: `${server.url}/api/bench/stats`,
    pid: server.process.pid ?? 0,
    open: ({ signal, onFirst }) =>
      readStream(`${server.url}/api/runs`, {
        method: "POST",
        body: JSON.stringify({ workflow, input: "Benchmark run: a weekend in Porto" }),
        firstEvent: FIRST_APP_EVENT,
        signal,
        onFirst,
      }),
  };
}

function referenceTarget(name: "next" | "bare", url: string, pid: number): Target {
  return {
    name,
    url,
    stats: `${url}/api/bench/stats`,
    pid,
    open: ({ rate, tokens, signal, onFirst }) =>
      readStream(`${url}/api/bench/stream?tokens=${tokens}&rate=${rate}`, {
        firstEvent: FIRST_REFERENCE_EVENT,
        signal,
        onFirst,
      }),
  };
}

async function stopRun(target: Target, result: StreamResult): Promise<void> {
  if (target.name === "app" && result.runId && !result.terminal) {
    await fetch(`${target.url}/api/runs/${result.runId}/stop`, { method: "POST" }).catch(() => undefined);
  }
}

/**
 * `count` streams kept live for `windowMs`: each slot opens its next stream (a new run) as soon as
 * the last one ends, so the load stays at `count` live runs. Started over about a second; then
 * closed (and the app's runs stopped).
 */
async function load(target: Target, count: number, rate: number, tokens: number, windowMs: number) {
  const controller = new AbortController();
  const results: StreamResult[] = [];
  const slot = async () => {
    while (!controller.signal.aborted) {
      const result = await target.open({ rate, tokens, signal: controller.signal });
      results.push(result);
      if (controller.signal.aborted) await stopRun(target, result);
    }
  };
  const slots: Promise<void>[] = [];
  for (let index = 0; index < count; index++) {
    slots.push(slot());
    if (index % 10 === 9) await sleep(Math.max(1, Math.floor(1000 / Math.max(1, count / 10))));
  }
  const startedAt = performance.now();
  return {
    finish: async () => {
      await sleep(Math.max(0, windowMs - (performance.now() - startedAt)));
      const stats = await getJson<Stats>(target.stats);
      controller.abort();
      await Promise.all(slots);
      return { results, stats, seconds: (performance.now() - startedAt) / 1000 };
    },
  };
}

function summarizeDelays(results: StreamResult[]) {
  const delays = results.flatMap((result) => result.delays);
  return {
    tokens: delays.length,
    p50: percentile(delays, 0.5),
    p99: percentile(delays, 0.99),
    max: delays.reduce((most, delay) => Math.max(most, delay), Number.NEGATIVE_INFINITY),
    seqErrors: results.reduce((sum, result) => sum + result.seqErrors, 0),
    errors: results.filter((result) => result.error && !/aborted|socket hang up/i.test(result.error)).length,
  };
}

/** Token relay: `streams` streams at `rate` tokens/s, per-token added delay. */
async function tokenRelay(target: Target, streams: number, rate: number) {
  await getJson(`${target.stats}?reset`);
  const running = await load(target, streams, rate, 100_000, WINDOW_MS);
  const { results, stats, seconds } = await running.finish();
  const summary = summarizeDelays(results);
  return {
    ...summary,
    tokensPerStreamPerSecond: summary.tokens / streams / seconds,
    rssMb: stats.rssBytes / 2 ** 20,
    eventLoopP99Ms: stats.eventLoopDelayP99Ms,
  };
}

/** Responsiveness: with `background` live streams at `rate`, a new stream's time to its first event. */
async function responsiveness(target: Target, background: number, rate: number, samples: number) {
  const running = await load(target, background, rate, 100_000, 0);
  await sleep(1500);
  const firsts: number[] = [];
  for (let index = 0; index < samples; index++) {
    const controller = new AbortController();
    const result = await target.open({
      rate,
      tokens: 100_000,
      signal: controller.signal,
      onFirst: () => controller.abort(),
    });
    if (result.firstEventMs !== undefined) firsts.push(result.firstEventMs);
    await stopRun(target, result);
    await sleep(50);
  }
  await running.finish();
  return { p50: percentile(firsts, 0.5), p99: percentile(firsts, 0.99), samples: firsts.length };
}

/**
 * Capacity: the most concurrent streams that each still get `rate` tokens/s (within 5 %), with p99
 * token delay ≤ 50 ms and no lost events.
 */
async function capacity(target: Target, rate: number, steps: number[]) {
  const ramp: { streams: number; p99: number; seqErrors: number; rssMb: number; eventLoopP99Ms: number }[] =
    [];
  let best = 0;
  for (const streams of steps) {
    await getJson(`${target.stats}?reset`);
    const running = await load(target, streams, rate, 100_000, WINDOW_MS);
    const { results, stats, seconds } = await running.finish();
    const summary = summarizeDelays(results);
    const step = {
      streams,
      p99: summary.p99,
      seqErrors: summary.seqErrors,
      rssMb: stats.rssBytes / 2 ** 20,
      eventLoopP99Ms: stats.eventLoopDelayP99Ms,
      // What each stream actually got, against the nominal rate: a saturated server paces slower.
      tokensPerStreamPerSecond: summary.tokens / streams / seconds,
    };
    ramp.push(step);
    process.stdout.write(
      `    ${target.name} ${streams} streams: p99 ${step.p99.toFixed(1)} ms, ${step.tokensPerStreamPerSecond.toFixed(1)} tokens/s each, RSS ${step.rssMb.toFixed(0)} MB, loop p99 ${step.eventLoopP99Ms.toFixed(1)} ms, seq errors ${step.seqErrors}\n`,
    );
    // Live "at 30 tokens/s" means each stream still gets (nearly) 30 tokens a second.
    if (step.p99 > 50 || step.seqErrors > 0 || step.tokensPerStreamPerSecond < rate * 0.95) break;
    best = streams;
    await sleep(1000);
  }
  return { best, ramp };
}

/** Machinery cost: whole streams at zero delay, `concurrency` at a time, for a window. */
async function machinery(target: Target, concurrency: number, tokens: number) {
  const before = await getJson<Stats>(target.stats);
  const startedAt = performance.now();
  let completed = 0;
  const deadline = startedAt + WINDOW_MS;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        const result = await target.open({ rate: 0, tokens });
        if (result.terminal === "finish") completed += 1;
      }
    }),
  );
  const seconds = (performance.now() - startedAt) / 1000;
  const after = await getJson<Stats>(target.stats);
  return {
    perSecond: completed / seconds,
    cpuMsEach: (after.cpuMs - before.cpuMs) / Math.max(1, completed),
    completed,
  };
}

const fmt = (value: number, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : "–");

async function main() {
  const report: Record<string, unknown> = {
    takenAt: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model,
      memoryGb: Math.round(totalmem() / 2 ** 30),
      node: process.version,
    },
    quick: QUICK,
  };
  const bare = await startBare();
  const next = await startAppServer({ BENCH_ROUTES: "1" });
  const refs = [
    referenceTarget("next", next.url, next.process.pid ?? 0),
    referenceTarget("bare", bare.url, bare.process.pid ?? 0),
  ];
  const appAt = (rate: number) =>
    startAppServer({
      BENCH_ROUTES: "1",
      MODEL_PROVIDER: "offline",
      OFFLINE_STAMP_TOKENS: "1",
      OFFLINE_TOKENS_PER_SECOND: String(rate),
      RUN_TOKEN_BUDGET: "0",
      HEARTBEAT_MS: "10000",
    });

  try {
    console.log("Token relay: 50 streams × 50 tokens/s");
    const app50 = await appAt(50);
    const relay: Record<string, unknown> = {
      app: await tokenRelay(appTarget(app50, "pitch-refiner"), 50, 50),
    };
    await app50.stop();
    for (const ref of refs) relay[ref.name] = await tokenRelay(ref, 50, 50);
    report.tokenRelay = relay;

    console.log("Responsiveness: a new run's first node event, with 50 then 200 live runs at 30 tokens/s");
    const app30 = await appAt(30);
    const respond: Record<string, unknown> = {};
    for (const background of [50, 200]) {
      respond[`app@${background}`] = await responsiveness(
        appTarget(app30, "pitch-refiner"),
        background,
        30,
        QUICK ? 15 : 40,
      );
      for (const ref of refs)
        respond[`${ref.name}@${background}`] = await responsiveness(ref, background, 30, QUICK ? 15 : 40);
    }
    report.responsiveness = respond;

    console.log(
      "Capacity: live runs each still getting 30 tokens/s (p99 token delay ≤ 50 ms, no lost events)",
    );
    const steps = QUICK ? [50, 100, 200, 500] : [50, 100, 150, 200, 300, 400, 500, 600, 800];
    await app30.stop();
    // A fresh server, so the ramp's memory is the ramp's own.
    const appForCapacity = await appAt(30);
    const cap: Record<string, unknown> = {
      app: await capacity(appTarget(appForCapacity, "pitch-refiner"), 30, steps),
    };
    await appForCapacity.stop();
    for (const ref of refs) cap[ref.name] = await capacity(ref, 30, steps);
    report.capacity = cap;

    console.log("Machinery cost: whole runs with a zero-delay model");
    const app0 = await appAt(0);
    const probe = await appTarget(app0, "pitch-refiner").open({ rate: 0, tokens: 0 });
    const tokensPerRun = probe.tokens;
    const cost: Record<string, unknown> = { tokensPerRun };
    for (const concurrency of [1, 20]) {
      cost[`app@${concurrency}`] = await machinery(
        appTarget(app0, "pitch-refiner"),
        concurrency,
        tokensPerRun,
      );
      for (const ref of refs)
        cost[`${ref.name}@${concurrency}`] = await machinery(ref, concurrency, tokensPerRun);
    }
    await app0.stop();
    report.machinery = cost;
  } finally {
    await next.stop();
    bare.process.kill("SIGTERM");
  }

  try {
    report.coldStart = JSON.parse(readFileSync(".bench/cold-start.json", "utf8"));
  } catch {
    report.coldStart = "run `npm run bench:cold-start` for cold start and runner size";
  }
  mkdirSync(".bench", { recursive: true });
  writeFileSync(".bench/bench.json", `${JSON.stringify(report, null, 2)}\n`);
  printTable(report);
}

function printTable(report: Record<string, unknown>) {
  const relay = report.tokenRelay as Record<string, { p50: number; p99: number; seqErrors: number }>;
  const respond = report.responsiveness as Record<string, { p50: number; p99: number }>;
  const cap = report.capacity as Record<
    string,
    { best: number; ramp: { streams: number; rssMb: number; eventLoopP99Ms: number }[] }
  >;
  const cost = report.machinery as Record<string, { perSecond: number; cpuMsEach: number }>;
  const ratio = (a: number, b: number) =>
    Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}×` : "–";
  console.log("\n| measure | app | Next route | bare node:http | app ÷ Next | app ÷ bare | target |");
  console.log("|---|---|---|---|---|---|---|");
  const row = (name: string, a: number, n: number, b: number, unit: string, target: string) =>
    console.log(
      `| ${name} | ${fmt(a)} ${unit} | ${fmt(n)} ${unit} | ${fmt(b)} ${unit} | ${ratio(a, n)} | ${ratio(a, b)} | ${target} |`,
    );
  for (const background of [50, 200]) {
    const [a, n, b] = [
      respond[`app@${background}`],
      respond[`next@${background}`],
      respond[`bare@${background}`],
    ];
    row(
      `first event p50, ${background} live`,
      a?.p50 ?? NaN,
      n?.p50 ?? NaN,
      b?.p50 ?? NaN,
      "ms",
      background === 50 ? "≤ 5 ms" : "",
    );
    row(
      `first event p99, ${background} live`,
      a?.p99 ?? NaN,
      n?.p99 ?? NaN,
      b?.p99 ?? NaN,
      "ms",
      background === 50 ? "≤ 25 ms" : "",
    );
  }
  row(
    "token delay p50, 50 × 50/s",
    relay.app?.p50 ?? NaN,
    relay.next?.p50 ?? NaN,
    relay.bare?.p50 ?? NaN,
    "ms",
    "",
  );
  row(
    "token delay p99, 50 × 50/s",
    relay.app?.p99 ?? NaN,
    relay.next?.p99 ?? NaN,
    relay.bare?.p99 ?? NaN,
    "ms",
    "≤ 5 ms",
  );
  row(
    "live streams at 30/s, p99 ≤ 50 ms",
    cap.app?.best ?? NaN,
    cap.next?.best ?? NaN,
    cap.bare?.best ?? NaN,
    "",
    "≥ 500",
  );
  const lastOk = (name: string) => cap[name]?.ramp.find((step) => step.streams === cap[name]?.best);
  row(
    "RSS at that load",
    lastOk("app")?.rssMb ?? NaN,
    lastOk("next")?.rssMb ?? NaN,
    lastOk("bare")?.rssMb ?? NaN,
    "MB",
    "≤ 1024 MB",
  );
  row(
    "event-loop delay p99 there",
    lastOk("app")?.eventLoopP99Ms ?? NaN,
    lastOk("next")?.eventLoopP99Ms ?? NaN,
    lastOk("bare")?.eventLoopP99Ms ?? NaN,
    "ms",
    "",
  );
  for (const concurrency of [1, 20]) {
    const [a, n, b] = [cost[`app@${concurrency}`], cost[`next@${concurrency}`], cost[`bare@${concurrency}`]];
    row(
      `runs/s, zero delay, concurrency ${concurrency}`,
      a?.perSecond ?? NaN,
      n?.perSecond ?? NaN,
      b?.perSecond ?? NaN,
      "/s",
      "≥ 0.5× Next",
    );
    row(
      `CPU per run, concurrency ${concurrency}`,
      a?.cpuMsEach ?? NaN,
      n?.cpuMsEach ?? NaN,
      b?.cpuMsEach ?? NaN,
      "ms",
      "",
    );
  }
  console.log("\nWrote .bench/bench.json");
}

await main();
