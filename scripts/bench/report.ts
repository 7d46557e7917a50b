/**
 * The benchmark's table: each measure for the app and both references, the app's ratio to each,
 * the target and whether the app met it (and by how much it missed).
 */

interface Summary {
  p50: number;
  p99: number;
}
interface CapacityResult {
  best: number;
  ramp: { streams: number; rssMb: number; eventLoopP99Ms: number }[];
}
interface MachineryResult {
  perSecond: number;
  cpuMsEach: number;
}
interface Spread {
  median: number;
  p90: number;
  worst: number;
  best: number;
}
interface AppColdStarts {
  readyMs: Spread;
  idleRssMb: Spread;
  /** From readiness, as LWA forwards the waiting request, to the first run's first step. */
  firstStepMs: Spread;
  firstRunMs: Spread;
  peakRssMb: Spread;
}
/** `npm run bench:cold-start`: the app, the app without its compile cache, and the minimal Next.js app. */
export interface ColdStartReport {
  takenAt: string;
  machine: { cpus: number; cpuModel?: string };
  starts: number;
  layoutMb: number;
  app: AppColdStarts;
  appWithoutCompileCache: AppColdStarts;
  reference: { readyMs: Spread; idleRssMb: Spread };
}
export interface BenchReport {
  tokenRelay: Record<string, Summary>;
  responsiveness: Record<string, Summary>;
  capacity: Record<string, CapacityResult>;
  machinery: Record<string, MachineryResult>;
  /** Tokens in one zero-delay app run; the references stream as many per request. */
  tokensPerRun: number;
  layers?: { rows: { name: string; cpuMsPerCall: number; cpuUsPerToken: number }[] } | string;
  coldStart?: ColdStartReport | string;
}

/** A target on the app's figure: at most or at least a bound (a number, or a multiple of Next's). */
interface Target {
  text: string;
  atMost?: number;
  atLeast?: number;
  atMostTimesNext?: number;
  atLeastTimesNext?: number;
}

const fmt = (value: number, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : "–");
const ratio = (a: number, b: number) =>
  Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}×` : "–";

/** "met", or how far off: "missed: 6.9× the bound". */
export function verdict(app: number, next: number, target?: Target): string {
  if (!target) return "";
  if (!Number.isFinite(app)) return "not measured";
  const upper = target.atMost !== undefined || target.atMostTimesNext !== undefined;
  const bound =
    target.atMost ?? target.atLeast ?? (target.atMostTimesNext ?? target.atLeastTimesNext ?? 0) * next;
  if (!Number.isFinite(bound)) return "not measured";
  const met = upper ? app <= bound : app >= bound;
  if (met) return "met";
  return upper
    ? `missed: ${(app / bound).toFixed(1)}× the bound`
    : `missed: ${((100 * app) / bound).toFixed(0)} % of the bound`;
}

export function renderTable(report: BenchReport): string {
  const lines = [
    "| measure | app | Next route | bare node:http | app ÷ Next | app ÷ bare | target | app |",
    "|---|---|---|---|---|---|---|---|",
  ];
  const row = (name: string, values: [number, number, number], unit: string, target?: Target) => {
    const [a, n, b] = values;
    const fmtValue = (value: number) => fmt(value, unit === "" ? 0 : 1);
    const cells = [
      name,
      `${fmtValue(a)} ${unit}`.trim(),
      `${fmtValue(n)} ${unit}`.trim(),
      `${fmtValue(b)} ${unit}`.trim(),
      ratio(a, n),
      ratio(a, b),
    ];
    lines.push(`| ${[...cells, target?.text ?? "", verdict(a, n, target)].join(" | ")} |`);
  };
  const three = <T>(pick: (name: "app" | "next" | "bare") => T | undefined, value: (entry: T) => number) =>
    (["app", "next", "bare"] as const).map((name) => {
      const entry = pick(name);
      return entry === undefined ? Number.NaN : value(entry);
    }) as [number, number, number];

  const own =
    <T>(record: Record<string, T>) =>
    (name: string) =>
      record[name];
  const { responsiveness: respond, tokenRelay: relay, capacity: cap, machinery: cost } = report;
  for (const live of [50, 200]) {
    const at = (name: string) => respond[`${name}@${live}`];
    row(
      `first node event p50, ${live} live runs`,
      three(at, (s) => s.p50),
      "ms",
      live === 50 ? { text: "≤ 1.5× Next", atMostTimesNext: 1.5 } : undefined,
    );
    row(
      `first node event p99, ${live} live runs`,
      three(at, (s) => s.p99),
      "ms",
      live === 50 ? { text: "≤ 2× Next", atMostTimesNext: 2 } : undefined,
    );
  }
  row(
    "token delay p50, 50 × 50/s",
    three(own(relay), (s) => s.p50),
    "ms",
  );
  row(
    "token delay p99, 50 × 50/s",
    three(own(relay), (s) => s.p99),
    "ms",
    { text: "≤ 5 ms", atMost: 5 },
  );
  row(
    "live runs at 30 tokens/s",
    three(own(cap), (c) => c.best),
    "",
    { text: "≥ 0.5× Next", atLeastTimesNext: 0.5 },
  );
  const atBest = (name: string) => cap[name]?.ramp.find((step) => step.streams === cap[name]?.best);
  row(
    "RSS at that load",
    three(atBest, (step) => step.rssMb),
    "MB",
    { text: "≤ 1024 MB", atMost: 1024 },
  );
  row(
    "event-loop delay p99 there",
    three(atBest, (step) => step.eventLoopP99Ms),
    "ms",
  );
  for (const concurrency of [1, 20]) {
    const at = (name: string) => cost[`${name}@${concurrency}`];
    row(
      `runs/s, zero delay, concurrency ${concurrency}`,
      three(at, (m) => m.perSecond),
      "/s",
      {
        text: "≥ 0.5× Next",
        atLeastTimesNext: 0.5,
      },
    );
    row(
      `CPU per run, concurrency ${concurrency}`,
      three(at, (m) => m.cpuMsEach),
      "ms",
      {
        text: "≤ 2× Next",
        atMostTimesNext: 2,
      },
    );
  }
  lines.push(...layerLines(report.layers), ...coldStartLines(report.coldStart));
  return lines.join("\n");
}

function layerLines(layers: BenchReport["layers"]): string[] {
  const lines: string[] = [];
  if (layers && typeof layers === "object") {
    lines.push("", "| layer, in one process (bench:layers) | CPU per call | per token |", "|---|---|---|");
    for (const layer of layers.rows)
      lines.push(`| ${layer.name} | ${fmt(layer.cpuMsPerCall, 2)} ms | ${fmt(layer.cpuUsPerToken)} µs |`);
  } else if (typeof layers === "string") {
    lines.push("", `Layers: ${layers}`);
  }
  return lines;
}

function coldStartLines(cold: BenchReport["coldStart"]): string[] {
  if (cold && typeof cold === "object") return ["", ...coldStartTable(cold)];
  return typeof cold === "string" ? ["", `Cold start: ${cold}`] : [];
}

/**
 * The cold-start table: each figure for the app, the app without its compile cache and the minimal
 * Next.js app, the app's ratio to that reference, the goal and the verdict.
 */
export function coldStartTable(cold: ColdStartReport): string[] {
  const lines = [
    "| cold start (runner layout, read-only) | app | app without compile cache | minimal Next.js | app ÷ Next | without ÷ Next | goal | app |",
    "|---|---|---|---|---|---|---|---|",
  ];
  const row = (name: string, values: [number, number, number], unit: string, target?: Target) => {
    const [app, uncached, next] = values;
    const cells = [
      name,
      ...values.map((value) => `${fmt(value, 0)} ${unit}`),
      ratio(app, next),
      ratio(uncached, next),
    ];
    lines.push(`| ${[...cells, target?.text ?? "", verdict(app, next, target)].join(" | ")} |`);
  };
  const { app, appWithoutCompileCache: uncached, reference } = cold;
  row(
    "spawn → readiness 200, median",
    [app.readyMs.median, uncached.readyMs.median, reference.readyMs.median],
    "ms",
    {
      text: "≤ 1.0× Next",
      atMostTimesNext: 1,
    },
  );
  row("spawn → readiness 200, p90", [app.readyMs.p90, uncached.readyMs.p90, reference.readyMs.p90], "ms");
  row(
    "readiness → first step of the first run, median",
    [app.firstStepMs.median, uncached.firstStepMs.median, Number.NaN],
    "ms",
  );
  row(
    "readiness → end of the first run, median",
    [app.firstRunMs.median, uncached.firstRunMs.median, Number.NaN],
    "ms",
  );
  row(
    "idle RSS at readiness, median",
    [app.idleRssMb.median, uncached.idleRssMb.median, reference.idleRssMb.median],
    "MB",
    {
      text: "≤ 150 MB",
      atMost: 150,
    },
  );
  row(
    "peak RSS in the first run, median",
    [app.peakRssMb.median, uncached.peakRssMb.median, Number.NaN],
    "MB",
  );
  lines.push(
    `| runner layout on disk | ${fmt(cold.layoutMb, 0)} MB | | | | | ≤ 60 MB | ${verdict(cold.layoutMb, Number.NaN, { text: "", atMost: 60 })} |`,
  );
  return lines;
}
