/**
 * The benchmark's phases (`npm run bench`): each drives one target (the app, the minimal Next.js
 * route or the bare node:http server) with many concurrent streams over loopback and summarises
 * what the clients saw, with the target's own RSS, CPU and event-loop delay.
 */
import { type ChildProcess, spawn } from "node:child_process";
import type { AppServer } from "../../tests/support/app-server.ts";
import {
  achievedTokenRate,
  getJson,
  percentile,
  readStream,
  type StreamResult,
  sleep,
} from "./load-client.ts";

/** How long each measured window lasts (shorter with --quick). */
let WINDOW_MS = 8_000;
export function setWindowMs(ms: number): void {
  WINDOW_MS = ms;
}

export interface Target {
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

export interface Stats {
  rssBytes: number;
  cpuMs: number;
  eventLoopDelayP99Ms: number;
}

/** The app as the benchmark runs it: the offline model at `rate` tokens/s, stamped, no run budget. */
export const appBenchEnv = (rate: number): Record<string, string> => ({
  BENCH_ROUTES: "1",
  MODEL_PROVIDER: "offline",
  OFFLINE_STAMP_TOKENS: "1",
  OFFLINE_TOKENS_PER_SECOND: String(rate),
  RUN_TOKEN_BUDGET: "0",
  HEARTBEAT_MS: "10000",
});

const FIRST_APP_EVENT = /"type":"data-step"/;
const FIRST_REFERENCE_EVENT = /"type":"(start|text-delta)"/;

export async function startBare(): Promise<{ url: string; process: ChildProcess }> {
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

export function appTarget(server: AppServer, workflow: string): Target {
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

export function referenceTarget(name: "next" | "bare", url: string, pid: number): Target {
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
    // Only the run's owner may stop it: the session its own response set.
    const session = result.setCookies?.map((line) => line.split(";")[0]).join("; ") ?? "";
    await fetch(`${target.url}/api/runs/${result.runId}/stop`, {
      method: "POST",
      headers: { cookie: session },
    }).catch(() => undefined);
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
      return { results, stats };
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
export async function tokenRelay(target: Target, streams: number, rate: number) {
  await getJson(`${target.stats}?reset`);
  const running = await load(target, streams, rate, 100_000, WINDOW_MS);
  const { results, stats } = await running.finish();
  const summary = summarizeDelays(results);
  return {
    ...summary,
    tokensPerStreamPerSecond: achievedTokenRate(results),
    rssMb: stats.rssBytes / 2 ** 20,
    eventLoopP99Ms: stats.eventLoopDelayP99Ms,
  };
}

/** Responsiveness: with `background` live streams at `rate`, a new stream's time to its first event. */
export async function responsiveness(target: Target, background: number, rate: number, samples: number) {
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
export async function capacity(target: Target, rate: number, steps: number[]) {
  const ramp: { streams: number; p99: number; seqErrors: number; rssMb: number; eventLoopP99Ms: number }[] =
    [];
  let best = 0;
  for (const streams of steps) {
    await getJson(`${target.stats}?reset`);
    const running = await load(target, streams, rate, 100_000, WINDOW_MS);
    const { results, stats } = await running.finish();
    const summary = summarizeDelays(results);
    const step = {
      streams,
      p99: summary.p99,
      seqErrors: summary.seqErrors,
      rssMb: stats.rssBytes / 2 ** 20,
      eventLoopP99Ms: stats.eventLoopDelayP99Ms,
      tokensPerStreamPerSecond: achievedTokenRate(results),
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
export async function machinery(target: Target, concurrency: number, tokens: number) {
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
