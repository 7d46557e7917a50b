import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { RunChunk } from "./contract";
import { RunRecorder } from "./run-recorder";
import { SqliteRunStore } from "./store/sqlite-store";
import type { RunProgress, StoredRun } from "./store/types";

/** A real SQLite store that remembers each save it was given. */
function recordingStore() {
  const store = new SqliteRunStore(join(mkdtempSync(join(tmpdir(), "recorder-")), "runs.db"));
  const saves: RunProgress[] = [];
  const save = store.saveProgress.bind(store);
  store.saveProgress = async (runId, progress) => {
    saves.push(progress);
    await save(runId, progress);
  };
  return { store, saves };
}

const run: StoredRun = {
  id: "run-recorder-test",
  owner: "visitor",
  workflow: "trip-planner",
  input: "A long answer",
  model: { provider: "offline", id: "offline-demo", label: "Offline demo model" },
  status: "running",
  createdAt: 1,
  heartbeatAt: 1,
  lastSeq: 0,
};

const logged = (seq: number, chunk: RunChunk) => ({ seq, chunk, json: JSON.stringify(chunk) });

describe("RunRecorder", () => {
  it("saves a long backlog in bounded saves, each one fresh liveness, the final status only with the last", async () => {
    const { store, saves } = recordingStore();
    await store.createRun(run);
    let now = 1_000;
    const recorder = new RunRecorder({
      store,
      runId: run.id,
      intervalMs: 60_000,
      stopPollMs: 60_000,
      onStopRequested: () => undefined,
      onLost: () => undefined,
      now: () => now++,
    });
    // About 4 MB of parts pending at once, as when the store was slow for a while.
    const delta = "x".repeat(2_000);
    for (let seq = 1; seq <= 2_000; seq++) recorder.add(logged(seq, { type: "text-delta", id: "t", delta }));
    await recorder.finish(logged(2_001, { type: "finish" }), { status: "done", endedAt: 5 });

    expect(saves.length).toBeGreaterThanOrEqual(4);
    for (const save of saves) {
      expect(save.events.reduce((sum, event) => sum + event.json.length, 0)).toBeLessThan(1_100_000);
    }
    expect(saves.slice(0, -1).every((save) => save.run.status === undefined)).toBe(true);
    expect(saves.at(-1)?.run).toMatchObject({ status: "done", endedAt: 5 });
    const heartbeats = saves.map((save) => save.run.heartbeatAt ?? 0);
    expect(heartbeats).toEqual([...heartbeats].sort((a, b) => a - b));
    expect(new Set(heartbeats).size).toBe(saves.length);
    const stored = await store.readEvents(run.id, 0, 5_000);
    expect(stored.map((event) => event.seq)).toEqual(Array.from({ length: 2_001 }, (_, index) => index + 1));
    expect(await store.getRun(run.id)).toMatchObject({
      kind: "found",
      run: { status: "done", lastSeq: 2_001 },
    });
    await store.close();
  });
});
