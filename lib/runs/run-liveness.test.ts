import { describe, expect, it } from "vitest";
import { storeSource } from "./run-liveness";
import type { RunStore, StoredEvent, StoredRun } from "./store/types";

const finish = JSON.stringify({ type: "finish", finishReason: "stop" });

/**
 * The moment a reader in another process races the run's last write: its read of new events comes
 * back empty, then the run stores its last events and ends, then the reader looks the run up.
 */
function storeEndingBetweenReads(): RunStore {
  let stored: StoredEvent[] = [{ seq: 1, json: JSON.stringify({ type: "start" }) }];
  let status: StoredRun["status"] = "running";
  let reads = 0;
  return {
    readEvents: async (_runId: string, afterSeq: number) => {
      const found = stored.filter((event) => event.seq > afterSeq);
      reads += 1;
      if (reads === 1) {
        stored = [
          ...stored,
          { seq: 2, json: JSON.stringify({ type: "data-result" }) },
          { seq: 3, json: finish },
        ];
        status = "done";
      }
      return found;
    },
    getRun: async (runId: string) => ({
      kind: "found",
      run: { id: runId, status, lastSeq: stored.length } as StoredRun,
    }),
  } as unknown as RunStore;
}

describe("storeSource", () => {
  it("delivers the last events and the terminal of a run that ended between its two reads", async () => {
    const source = storeSource(storeEndingBetweenReads(), "run-1", {
      pollMs: 10,
      livenessTimeoutMs: 15_000,
      waitingTimeoutMs: 60_000,
    });
    const read = await source.read(1);
    expect(read.entries.map((entry) => entry.seq)).toEqual([2, 3]);
    expect(read.ended).toBe(true);
  });
});
