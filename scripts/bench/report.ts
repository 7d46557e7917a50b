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
interface ColdStartReport {
  layoutMb: number;
  readyMs: { median: number; worst: number };
  idleRssMb: { median: number };
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
  atLeastTimesNext?: number;
}

const fmt = (value: number, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : "–");
const ratio = (a: number, b: number) =>
  Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}×` : "–";

/** "met", or how far off: "missed: 6.9× the bound". */
export function verdict(app: number, next: number, target?: Target): string {
  if (!target) return "";
  if (!Number.isFinite(app)) return "not measured";
  const bound = target.atMost ?? target.atLeast ?? (target.atLeastTimesNext ?? 0) * next;
  const met = target.atMost !== undefined ? app <= bound : app >= bound;
  if (met) return "met";
  return target.atMost !== undefined
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
      live === 50 ? { text: "≤ 5 ms", atMost: 5 } : undefined,
    );
    row(
      `first node event p99, ${live} live runs`,
      three(at, (s) => s.p99),
      "ms",
      live === 50 ? { text: "≤ 25 ms", atMost: 25 } : undefined,
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
    { text: "≥ 500", atLeast: 500 },
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
  const lines: string[] = [];
  if (cold && typeof cold === "object") {
    lines.push("", "| cold start (runner layout, read-only) | app | target | app |", "|---|---|---|---|");
    const coldRow = (name: string, value: number, unit: string, target: Target) =>
      lines.push(
        `| ${name} | ${fmt(value, 0)} ${unit} | ${target.text} | ${verdict(value, Number.NaN, target)} |`,
      );
    coldRow("spawn → readiness, median", cold.readyMs.median, "ms", { text: "≤ 400 ms", atMost: 400 });
    coldRow("idle RSS, median", cold.idleRssMb.median, "MB", { text: "≤ 150 MB", atMost: 150 });
    coldRow("runner layout on disk", cold.layoutMb, "MB", { text: "≤ 60 MB", atMost: 60 });
  } else if (typeof cold === "string") {
    lines.push("", `Cold start: ${cold}`);
  }
  return lines;
}
