/**
 * `npm run bench:ab`: weighs one change to the app, two builds side by side in one sitting, with
 * the Next route handler (`/api/bench/stream`, the head build's) as the reference for both. This
 * host's speed drifts by 2× and more between sittings, so a lever measured in two sittings says
 * little; here every round measures base, head and reference back to back, the order alternating.
 * Rows: CPU per zero-delay run (the benchmark's run, concurrency 1) and a new run's first node event
 * with 50 live runs at 30 tokens/s, medians over the rounds. Writes .bench/ab.json.
 *
 *   cp -a .next/standalone /tmp/before     # the build without the change
 *   # …make the change…
 *   npm run build
 *   npm run bench:ab -- --base /tmp/before # head: .next/standalone
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { type AppServer, startAppServer } from "../tests/support/app-server.ts";
import { machineInfo } from "./bench/machine.ts";
import {
  appBenchEnv,
  appTarget,
  machinery,
  referenceTarget,
  responsiveness,
  setWindowMs,
  type Target,
} from "./bench/phases.ts";

const { values: args } = parseArgs({
  options: {
    base: { type: "string" },
    head: { type: "string", default: ".next/standalone" },
    rounds: { type: "string", default: "5" },
  },
});
if (!args.base) {
  console.error("Usage: npm run bench:ab -- --base <standalone layout> [--head <layout>] [--rounds 5]");
  process.exit(2);
}
const ROUNDS = Math.max(3, Number(args.rounds));
const WORKFLOW = "pitch-refiner";
const LIVE = 50;
const SAMPLES = 20;
setWindowMs(3_000);

const layouts = { base: args.base, head: args.head } as const;
type Side = "base" | "head" | "next";
const start = (layout: string, rate: number) =>
  startAppServer(appBenchEnv(rate), { script: join(layout, "server.js") });

/** Each side's target, on servers started for one phase and stopped after it. */
async function targetsAt(rate: number): Promise<{ targets: Record<Side, Target>; servers: AppServer[] }> {
  const base = await start(layouts.base, rate);
  const head = await start(layouts.head, rate);
  const next = await start(layouts.head, rate);
  return {
    targets: {
      base: appTarget(base, WORKFLOW),
      head: appTarget(head, WORKFLOW),
      next: referenceTarget("next", next.url, next.process.pid ?? 0),
    },
    servers: [base, head, next],
  };
}

/** The sides in this round's order: forwards, then backwards, so neither goes first every time. */
const orderOf = (round: number): Side[] =>
  round % 2 === 0 ? ["base", "head", "next"] : ["next", "head", "base"];
const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

const samples: Record<string, Record<Side, number[]>> = {};
const record = (row: string, side: Side, value: number) => {
  samples[row] ??= { base: [], head: [], next: [] };
  samples[row][side].push(value);
};
/** A row's figures from the round just measured, for the progress line. */
const latest = (row: string) =>
  (["base", "head", "next"] as const)
    .map((side) => `${side} ${samples[row]?.[side].at(-1)?.toFixed(2)}`)
    .join(", ");

console.log(`CPU per zero-delay run, ${ROUNDS} rounds`);
{
  const { targets, servers } = await targetsAt(0);
  const tokensPerRun = (await targets.head.open({ rate: 0, tokens: 0 })).tokens;
  for (const side of ["base", "head", "next"] as const) await machinery(targets[side], 1, tokensPerRun);
  for (let round = 0; round < ROUNDS; round++) {
    for (const side of orderOf(round)) {
      const cost = await machinery(targets[side], 1, tokensPerRun);
      record("CPU per run, ms", side, cost.cpuMsEach);
    }
    console.log(`  round ${round + 1}: ${latest("CPU per run, ms")}`);
  }
  await Promise.all(servers.map((server) => server.stop()));
}

console.log(`First node event with ${LIVE} live runs at 30 tokens/s, ${ROUNDS} rounds`);
for (let round = 0; round < ROUNDS; round++) {
  for (const side of orderOf(round)) {
    // Fresh servers each time: a phase's live runs must not outlast it into the next side's.
    const { targets, servers } = await targetsAt(30);
    const first = await responsiveness(targets[side], LIVE, 30, SAMPLES);
    record("first node event p50, ms", side, first.p50);
    record("first node event p99, ms", side, first.p99);
    await Promise.all(servers.map((server) => server.stop()));
  }
  console.log(`  round ${round + 1}: ${latest("first node event p50, ms")}`);
}

const rows = Object.entries(samples).map(([measure, sides]) => {
  const [base, head, next] = [median(sides.base), median(sides.head), median(sides.next)];
  return {
    measure,
    base,
    head,
    next,
    headOverBase: head / base,
    baseOverNext: base / next,
    headOverNext: head / next,
  };
});
const lines = [
  "| measure (median of rounds) | base | head | Next route | head ÷ base | base ÷ Next | head ÷ Next |",
  "|---|---|---|---|---|---|---|",
  ...rows.map(
    (row) =>
      `| ${row.measure} | ${row.base.toFixed(2)} | ${row.head.toFixed(2)} | ${row.next.toFixed(2)} | ${row.headOverBase.toFixed(3)} | ${row.baseOverNext.toFixed(2)}× | ${row.headOverNext.toFixed(2)}× |`,
  ),
];
mkdirSync(".bench", { recursive: true });
writeFileSync(
  ".bench/ab.json",
  `${JSON.stringify({ takenAt: new Date().toISOString(), machine: machineInfo(), layouts, rounds: ROUNDS, rows, samples }, null, 2)}\n`,
);
console.log(`\n${lines.join("\n")}\n\nWrote .bench/ab.json`);
