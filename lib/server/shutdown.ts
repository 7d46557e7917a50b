import "server-only";
import { activeRuns, openStreamCount } from "@/lib/runs/run-registry";
import { StopReason } from "@/lib/runs/stop-reason";

/** How long a shutdown waits for running runs to store their end and for their readers to get it. */
const DRAIN_TIMEOUT_MS = 5_000;
/** After the last stream closed, time for its final bytes to leave the socket. */
const FLUSH_GRACE_MS = 150;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * On SIGTERM (Lambda, via Lambda Web Adapter; `docker stop`) or SIGINT, ends every running run
 * with an `interrupted` terminal event and final status in the store before the process exits.
 * Next's own signal handling is switched off (NEXT_MANUAL_SIG_HANDLE, set by the image and the
 * start script), since it would exit as soon as open responses close, not when runs are stored.
 */
export function installShutdownHandler(): void {
  let shuttingDown = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (shuttingDown) return;
    shuttingDown = true;
    const deadline = Date.now() + DRAIN_TIMEOUT_MS;
    const running = activeRuns();
    for (const run of running) run.stop(StopReason.shutdown());
    const drain = async () => {
      await Promise.race([Promise.allSettled(running.map((run) => run.done)), sleep(DRAIN_TIMEOUT_MS)]);
      // Readers attached here get the terminal event before the process goes.
      while (openStreamCount() > 0 && Date.now() < deadline) await sleep(20);
      await sleep(FLUSH_GRACE_MS);
    };
    void drain().then(() => {
      if (running.length > 0)
        console.log(`Ended ${running.length} running run(s) as interrupted before exiting.`);
      if (process.env.NEXT_MANUAL_SIG_HANDLE) process.exit(signal === "SIGINT" ? 130 : 143);
    });
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
}
