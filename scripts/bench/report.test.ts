import { describe, expect, it } from "vitest";
import { type BenchReport, renderTable, verdict } from "./report";

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
      "| first node event p50, 50 live runs | 6.6 ms | 3.6 ms | – ms | 1.83× | – | ≤ 5 ms | missed: 1.3× the bound |",
    );
    expect(table).toContain(
      "| live runs at 30 tokens/s | 100 | 600 | – | 0.17× | – | ≥ 500 | missed: 20 % of the bound |",
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
