import { monitorEventLoopDelay } from "node:perf_hooks";

type IntervalHistogram = ReturnType<typeof monitorEventLoopDelay>;

/** RSS, CPU time and event-loop delay of this process, for the benchmark (BENCH_ROUTES=1 only). */
const holder = globalThis as typeof globalThis & { __stepstreamLoopDelay?: IntervalHistogram };

export function processStats(reset: boolean) {
  holder.__stepstreamLoopDelay ??= (() => {
    const histogram = monitorEventLoopDelay({ resolution: 10 });
    histogram.enable();
    return histogram;
  })();
  const histogram = holder.__stepstreamLoopDelay;
  const cpu = process.cpuUsage();
  const streams = globalThis as typeof globalThis & {
    __stepstreamOpenStreams?: { count: number; bytesWritten: number };
  };
  const stats = {
    rssBytes: process.memoryUsage.rss(),
    heapUsedBytes: process.memoryUsage().heapUsed,
    openRunStreams: streams.__stepstreamOpenStreams?.count ?? 0,
    runStreamBytesWritten: streams.__stepstreamOpenStreams?.bytesWritten ?? 0,
    activeHandles:
      (process as unknown as { _getActiveHandles?: () => unknown[] })._getActiveHandles?.().length ?? 0,
    cpuMs: (cpu.user + cpu.system) / 1000,
    eventLoopDelayP99Ms: histogram.count > 0 ? histogram.percentile(99) / 1e6 : 0,
    eventLoopDelayMaxMs: histogram.count > 0 ? histogram.max / 1e6 : 0,
  };
  if (reset) histogram.reset();
  return stats;
}
