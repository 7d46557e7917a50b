import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import type { RunChunk } from "./contract";
import { RunRecorder, type RunRecorderOptions } from "./run-recorder";
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

/** A recorder of `run` that writes only on node ends and at its finish, unless told otherwise. */
const recorderOf = (store: SqliteRunStore, options: Partial<RunRecorderOptions> = {}) =>
  new RunRecorder({
    store,
    runId: run.id,
    intervalMs: 60_000,
    stepEndGapMs: 100,
    stopPollMs: 60_000,
    onStopRequested: () => undefined,
    onLost: () => undefined,
    ...options,
  });

const step = (taskId: string, status: "running" | "done") =>
  ({
    type: "data-step",
    id: taskId,
    data: { taskId, node: taskId, status, startedAt: 1, ...(status === "done" ? { endedAt: 2 } : {}) },
  }) as RunChunk;

describe("RunRecorder", () => {
  it("saves a long backlog in bounded saves, each one fresh liveness, the final status only with the last", async () => {
    const { store, saves } = recordingStore();
    await store.createRun(run);
    let now = 1_000;
    const recorder = recorderOf(store, { now: () => now++ });
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

  it("writes a node's end at once, and the ends that follow within the gap together, once it has passed", async () => {
    const { store, saves } = recordingStore();
    await store.createRun(run);
    const gapMs = 200;
    const recorder = recorderOf(store, { stepEndGapMs: gapMs });
    const firstEndAt = performance.now();
    recorder.add(logged(1, step("a", "running")));
    recorder.add(logged(2, step("b", "running")));
    recorder.add(logged(3, step("a", "done")));
    await vi.waitFor(() => expect(saves).toHaveLength(1));
    expect(saves[0]?.events.map((event) => event.seq)).toEqual([1, 2, 3]);
    // Parallel branches ending just after: held for one save, not one each.
    recorder.add(logged(4, step("b", "done")));
    recorder.add(logged(5, step("c", "running")));
    recorder.add(logged(6, step("c", "done")));
    await new Promise((resolve) => setTimeout(resolve, gapMs / 4));
    expect(saves).toHaveLength(1);
    await vi.waitFor(() => expect(saves).toHaveLength(2), { timeout: 5_000 });
    expect(performance.now() - firstEndAt).toBeGreaterThanOrEqual(gapMs - 1);
    expect(saves[1]?.events.map((event) => event.seq)).toEqual([4, 5, 6]);
    expect(saves[1]?.steps.map((saved) => [saved.taskId, saved.status])).toEqual([
      ["b", "done"],
      ["c", "done"],
    ]);
    // A node's end after a quiet spell is written at once again.
    await new Promise((resolve) => setTimeout(resolve, gapMs));
    recorder.add(logged(7, step("d", "running")));
    recorder.add(logged(8, step("d", "done")));
    await vi.waitFor(() => expect(saves).toHaveLength(3), { timeout: gapMs / 2 });
    await recorder.finish(logged(9, { type: "finish" }), { status: "done", endedAt: 5 });
    expect(saves).toHaveLength(4);
    expect((await store.readEvents(run.id, 0)).map((event) => event.seq)).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8, 9,
    ]);
    await store.close();
  });

  it("leaves nothing held for later once it finishes", async () => {
    const { store, saves } = recordingStore();
    await store.createRun(run);
    const recorder = recorderOf(store);
    recorder.add(logged(1, step("a", "done")));
    recorder.add(logged(2, step("b", "done")));
    await recorder.finish(logged(3, { type: "finish" }), { status: "done", endedAt: 5 });
    const afterFinish = saves.length;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(saves).toHaveLength(afterFinish);
    expect((await store.readEvents(run.id, 0)).map((event) => event.seq)).toEqual([1, 2, 3]);
    expect(await store.getRun(run.id)).toMatchObject({ kind: "found", run: { status: "done", lastSeq: 3 } });
    await store.close();
  });
});
