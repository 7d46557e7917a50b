import { describe, expect, it } from "vitest";
import { type BenchReport, type ColdStartReport, coldStartTable, renderTable, verdict } from "./report";

describe("verdict", () => {
  it("says met, or by how much a bound was missed", () => {
    expect(verdict(4, Number.NaN, { text: "≤ 5 ms", atMost: 5 })).toBe("met");
    expect(verdict(6.5, Number.NaN, { text: "≤ 5 ms", atMost: 5 })).toBe("missed: 1.3× the bound");
    expect(verdict(125, Number.NaN, { text: "≥ 500", atLeast: 500 })).toBe("missed: 25 % of the bound");
    expect(verdict(40, 100, { text: "≥ 0.5× Next", atLeastTimesNext: 0.5 })).toBe(
      "missed: 80 % of the bound",
    );
    expect(verdict(50, 100, { text: "≥ 0.5× Next", atLeastTimesNext: 0.5 })).toBe("met");
    expect(verdict(Number.NaN, 100, { text: "≤ 5 ms", atMost: 5 })).toBe("not measured");
    expect(verdict(3, 100)).toBe("");
    expect(verdict(7, 5, { text: "≤ 1.5× Next", atMostTimesNext: 1.5 })).toBe("met");
    expect(verdict(15, 5, { text: "≤ 1.5× Next", atMostTimesNext: 1.5 })).toBe("missed: 2.0× the bound");
    expect(verdict(15, Number.NaN, { text: "≤ 1.5× Next", atMostTimesNext: 1.5 })).toBe("not measured");
  });
});

describe("renderTable", () => {
  const summary = (p50: number, p99: number) => ({ p50, p99 });
  const report: BenchReport = {
    tokenRelay: { app: summary(0.1, 4.4), next: summary(0.1, 4.1), bare: summary(0.2, 1) },
    responsiveness: { "app@50": summary(6.6, 14.6), "next@50": summary(3.6, 5.8) },
    capacity: {
      app: { best: 100, ramp: [{ streams: 100, rssMb: 380, eventLoopP99Ms: 52 }] },
      next: { best: 600, ramp: [{ streams: 600, rssMb: 313, eventLoopP99Ms: 20 }] },
    },
    machinery: { "app@1": { perSecond: 35, cpuMsEach: 25 }, "next@1": { perSecond: 178, cpuMsEach: 4 } },
    tokensPerRun: 140,
    coldStart: "skipped (--no-cold-start)",
  };
  const table = renderTable(report);

  it("gives each measure the app's figure, the references', the ratios and the verdict", () => {
    expect(table).toContain(
      "| first node event p50, 50 live runs | 6.6 ms | 3.6 ms | – ms | 1.83× | – | ≤ 1.5× Next | missed: 1.2× the bound |",
    );
    expect(table).toContain(
      "| first node event p99, 50 live runs | 14.6 ms | 5.8 ms | – ms | 2.52× | – | ≤ 2× Next | missed: 1.3× the bound |",
    );
    expect(table).toContain(
      "| live runs at 30 tokens/s | 100 | 600 | – | 0.17× | – | ≥ 0.5× Next | missed: 33 % of the bound |",
    );
    expect(table).toContain(
      "| CPU per run, concurrency 1 | 25.0 ms | 4.0 ms | – ms | 6.25× | – | ≤ 2× Next | missed: 3.1× the bound |",
    );
    expect(table).toContain(
      "| runs/s, zero delay, concurrency 1 | 35.0 /s | 178.0 /s | – /s | 0.20× | – | ≥ 0.5× Next | missed: 39 % of the bound |",
    );
  });

  it("marks what a run did not measure instead of inventing it", () => {
    expect(table).toContain("| first node event p50, 200 live runs | – ms | – ms | – ms | – | – |  |  |");
    expect(table).toContain(
      "| runs/s, zero delay, concurrency 20 | – /s | – /s | – /s | – | – | ≥ 0.5× Next | not measured |",
    );
    expect(table).toContain("Cold start: skipped (--no-cold-start)");
  });
});

describe("coldStartTable", () => {
  const spread = (median: number, p90 = median) => ({ median, p90, worst: p90, best: median });
  const starts = (ready: number) => ({
    readyMs: spread(ready, ready + 50),
    idleRssMb: spread(101),
    firstStepMs: spread(420),
    firstRunMs: spread(900),
    peakRssMb: spread(160),
  });
  const report: ColdStartReport = {
    takenAt: "2026-12-06T10:00:00.000Z",
    machine: { cpus: 2, cpuModel: "test" },
    starts: 10,
    layoutMb: 28.4,
    app: starts(880),
    appWithoutCompileCache: starts(1_100),
    reference: { readyMs: spread(720, 760), idleRssMb: spread(95) },
  };
  const table = coldStartTable(report).join("\n");

  it("sets the app's readiness beside the minimal Next.js app's, as a ratio with its verdict", () => {
    expect(table).toContain(
      "| spawn → readiness 200, median | 880 ms | 1100 ms | 720 ms | 1.22× | 1.53× | ≤ 1.0× Next | missed: 1.2× the bound |",
    );
    expect(table).toContain(
      "| readiness → first step of the first run, median | 420 ms | 420 ms | – ms | – | – |  |  |",
    );
    expect(table).toContain("| runner layout on disk | 28 MB | | | | | ≤ 60 MB | met |");
  });

  it("meets the goal when the app is ready no later than the reference", () => {
    const met = coldStartTable({ ...report, app: starts(700) }).join("\n");
    expect(met).toContain("| 700 ms | 1100 ms | 720 ms | 0.97× | 1.53× | ≤ 1.0× Next | met |");
  });
});
