import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  LISTED_INPUT_CHARS,
  ProgressConflictError,
  type RunListFilters,
  type RunStore,
  type StoredEvent,
  type StoredRun,
  type StoredStep,
} from "./types";

export interface StoreUnderTest {
  store: RunStore;
  /** Overwrites a run's stored record with something unreadable, the backend's own way. */
  corrupt: (runId: string, owner: string) => Promise<void>;
  /** A second store on the same data: another server process. */
  sibling: () => RunStore;
  dispose: () => Promise<void>;
}

let counter = 0;
function newRun(overrides: Partial<StoredRun> = {}): StoredRun {
  counter += 1;
  const now = Date.now();
  return {
    id: `run-${counter}-${Math.random().toString(36).slice(2, 8)}`,
    owner: "visitor-a",
    workflow: "trip-planner",
    input: "Two days in Lisbon",
    model: { provider: "offline", id: "offline-demo", label: "Offline demo model" },
    status: "running",
    createdAt: now,
    heartbeatAt: now,
    lastSeq: 0,
    ...overrides,
  };
}

const events = (from: number, count: number, size = 40): StoredEvent[] =>
  Array.from({ length: count }, (_, index) => ({
    seq: from + index,
    json: JSON.stringify({ type: "text-delta", id: "t", delta: `${from + index}:${"x".repeat(size)}` }),
  }));

const step = (taskId: string, overrides: Partial<StoredStep> = {}): StoredStep => ({
  taskId,
  node: "lodging",
  status: "running",
  startedAt: Date.now(),
  output: "",
  ...overrides,
});

/** The behaviour every RunStore must have, run against each implementation. */
export function runStoreContract(name: string, setup: () => Promise<StoreUnderTest>): void {
  describe(`RunStore contract: ${name}`, () => {
    let subject: StoreUnderTest;
    let store: RunStore;

    beforeAll(async () => {
      subject = await setup();
      store = subject.store;
    });
    afterAll(async () => {
      await subject?.dispose();
    });

    it("creates a run once and reads it back", async () => {
      const run = newRun();
      await store.createRun(run);
      expect(await store.getRun(run.id)).toEqual({ kind: "found", run });
      await expect(store.createRun(run)).rejects.toThrow();
      expect(await store.getRun("no-such-run")).toEqual({ kind: "missing" });
    });

    it("appends contiguous events and reads them after any sequence number", async () => {
      const run = newRun();
      await store.createRun(run);
      await store.saveProgress(run.id, { events: events(1, 5), steps: [], run: {} });
      await store.saveProgress(run.id, {
        events: events(6, 3),
        steps: [],
        run: { heartbeatAt: run.heartbeatAt + 1000 },
      });
      expect((await store.readEvents(run.id, 0)).map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      expect(await store.readEvents(run.id, 3)).toEqual(events(4, 5));
      expect((await store.readEvents(run.id, 6, 1)).map((e) => e.seq)).toEqual([7]);
      expect(await store.readEvents(run.id, 8)).toEqual([]);
      const found = await store.getRun(run.id);
      expect(found.kind === "found" && found.run).toMatchObject({
        lastSeq: 8,
        heartbeatAt: run.heartbeatAt + 1000,
      });
    });

    it("keeps a large backlog of non-ASCII events whole (DynamoDB sizes items in UTF-8 bytes)", async () => {
      const run = newRun({ input: "Deux jours à Zürich, 東京 ☕" });
      await store.createRun(run);
      // 3 MB of UTF-8 in one save, as a store that was away gets everything pending at once.
      const backlog = Array.from({ length: 100 }, (_, index) => ({
        seq: index + 1,
        json: JSON.stringify({ type: "text-delta", id: "t", delta: `${index}:${"東京☕é".repeat(2500)}` }),
      }));
      expect(backlog.reduce((sum, event) => sum + Buffer.byteLength(event.json), 0)).toBeGreaterThan(
        2_500_000,
      );
      await store.saveProgress(run.id, { events: backlog, steps: [], run: {} });
      expect(await store.readEvents(run.id, 0)).toEqual(backlog);
      expect(await store.getRun(run.id)).toMatchObject({
        kind: "found",
        run: { lastSeq: 100, input: run.input },
      });
    });

    it("keeps one event larger than an item whole, between small ones, from any starting point", async () => {
      const run = newRun();
      await store.createRun(run);
      // A long result: about 1.3 MB of UTF-8, with surrogate pairs that any cut must not split.
      const result = {
        seq: 3,
        json: JSON.stringify({
          type: "data-result",
          id: run.id,
          data: { markdown: "Tag 😀 Zürich ".repeat(80_000) },
        }),
      };
      expect(Buffer.byteLength(result.json)).toBeGreaterThan(1_000_000);
      const all = [...events(1, 2), result, ...events(4, 3)];
      await store.saveProgress(run.id, { events: all.slice(0, 4), steps: [], run: {} });
      await store.saveProgress(run.id, { events: all.slice(4), steps: [], run: {} });
      expect(await store.readEvents(run.id, 0)).toEqual(all);
      expect(await store.readEvents(run.id, 2)).toEqual(all.slice(2));
      expect(await store.readEvents(run.id, 3)).toEqual(all.slice(3));
      expect(await subject.sibling().readEvents(run.id, 1, 2)).toEqual(all.slice(1, 3));
      expect(await store.deleteRun(run.id)).toBe("running");
    });

    it("keeps a very long step output, whole or as its beginning marked truncated", async () => {
      const run = newRun();
      await store.createRun(run);
      const output = "Très long ☕ ".repeat(60_000);
      await store.saveProgress(run.id, {
        events: events(1, 1),
        steps: [step("task-long", { status: "done", output })],
        run: {},
      });
      const [stored] = await store.getSteps(run.id);
      expect(stored && output.startsWith(stored.output)).toBe(true);
      expect(stored?.output.length).toBeGreaterThan(50_000);
      expect(stored?.outputTruncated === true).toBe(stored?.output !== output);
    });

    it("refuses a gap or an overlap, and stores nothing of a refused write", async () => {
      const run = newRun();
      await store.createRun(run);
      await store.saveProgress(run.id, { events: events(1, 2), steps: [], run: {} });
      await expect(store.saveProgress(run.id, { events: events(4, 1), steps: [], run: {} })).rejects.toThrow(
        ProgressConflictError,
      );
      await expect(store.saveProgress(run.id, { events: events(2, 2), steps: [], run: {} })).rejects.toThrow(
        ProgressConflictError,
      );
      expect((await store.readEvents(run.id, 0)).map((e) => e.seq)).toEqual([1, 2]);
    });

    it("stores a large burst of events whole, across the backend's item limits", async () => {
      const run = newRun();
      await store.createRun(run);
      const burst = events(1, 3000, 400); // ~1.3 MB
      await store.saveProgress(run.id, { events: burst, steps: [], run: {} });
      const read: StoredEvent[] = [];
      for (let batch = await store.readEvents(run.id, 0, 700); batch.length > 0; ) {
        read.push(...batch);
        batch = await store.readEvents(run.id, read.at(-1)?.seq ?? 0, 700);
      }
      expect(read).toEqual(burst);
    });

    it("keeps each node task's latest state and output", async () => {
      const run = newRun();
      await store.createRun(run);
      await store.saveProgress(run.id, {
        events: events(1, 1),
        steps: [step("a"), step("b", { node: "food" })],
        run: {},
      });
      const done = step("a", {
        status: "done",
        endedAt: Date.now(),
        output: "## Stay\\nAlfama",
        usage: { inputTokens: 12, outputTokens: 40 },
      });
      await store.saveProgress(run.id, { events: events(2, 1), steps: [done], run: {} });
      const steps = (await store.getSteps(run.id)).sort((x, y) => x.taskId.localeCompare(y.taskId));
      expect(steps).toEqual([done, step("b", { node: "food", startedAt: steps[1]?.startedAt ?? 0 })]);
    });

    it("accepts nothing once the run has ended", async () => {
      const run = newRun();
      await store.createRun(run);
      const endedAt = Date.now();
      await store.saveProgress(run.id, {
        events: events(1, 2),
        steps: [],
        run: { status: "done", endedAt, usage: { inputTokens: 5, outputTokens: 9 } },
      });
      const found = await store.getRun(run.id);
      expect(found.kind === "found" && found.run).toMatchObject({ status: "done", endedAt, lastSeq: 2 });
      await expect(store.saveProgress(run.id, { events: events(3, 1), steps: [], run: {} })).rejects.toThrow(
        ProgressConflictError,
      );
    });

    it("lists one owner's runs newest first, page by page, with every run exactly once", async () => {
      const base = Date.now() + 10_000_000;
      const owner = `lister-${Math.random().toString(36).slice(2, 8)}`;
      const created = Array.from({ length: 7 }, (_, index) =>
        newRun({ owner, createdAt: base + index * 1000 }),
      );
      // Another owner's runs, interleaved in time, never show up.
      for (const [index, run] of created.entries()) {
        await store.createRun(run);
        await store.createRun(newRun({ owner: `${owner}-other`, createdAt: base + index * 1000 + 1 }));
      }
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.listRuns({ owner, limit: 3, cursor });
        seen.push(...page.entries.map((entry) => (entry.kind === "found" ? entry.run.id : entry.id)));
        cursor = page.nextCursor;
      } while (cursor && seen.length < 100);
      const newest = created.map((run) => run.id).reverse();
      expect(seen).toEqual(newest);
      expect((await store.listRuns({ owner: "nobody-at-all", limit: 5 })).entries).toEqual([]);
    });

    it("narrows one owner's list by workflow and by status, page by page, every match exactly once", async () => {
      const base = Date.now() + 40_000_000;
      const owner = `filterer-${Math.random().toString(36).slice(2, 8)}`;
      const workflows = ["trip-planner", "pitch-refiner", "article-writer"];
      const statuses = ["done", "running", "failed", "waiting", "resumed"] as const;
      const created = Array.from({ length: 10 }, (_, index) => ({
        run: newRun({ owner, workflow: workflows[index % 3], createdAt: base + index * 1000 }),
        status: statuses[index % 5] as (typeof statuses)[number],
      }));
      for (const { run, status } of created) {
        await store.createRun(run);
        if (status === "running") continue;
        const paused = status === "waiting" || status === "resumed";
        await store.saveProgress(run.id, {
          events: events(1, 1),
          steps: [],
          run: paused ? { status: "waiting", waitingSince: Date.now() } : { status, endedAt: Date.now() },
        });
        if (status === "resumed") await store.resumeRun(run.id, { heartbeatAt: Date.now() });
      }
      const damaged = created[9]?.run as StoredRun;
      await subject.corrupt(damaged.id, owner);
      const listAll = async (filters: RunListFilters) => {
        const seen: string[] = [];
        let cursor: string | undefined;
        for (let pages = 0; pages < 50; pages++) {
          const page = await store.listRuns({ owner, limit: 2, cursor, ...filters });
          expect(page.entries.length).toBeLessThanOrEqual(2);
          seen.push(...page.entries.map((entry) => (entry.kind === "found" ? entry.run.id : entry.id)));
          cursor = page.nextCursor;
          if (!cursor) return seen;
        }
        throw new Error("the pages never ended");
      };
      const expected = (keep: (workflow: string, status: string) => boolean) =>
        created
          .filter(
            ({ run, status }) =>
              run !== damaged && keep(run.workflow, status === "resumed" ? "running" : status),
          )
          .map(({ run }) => run.id)
          .reverse();
      expect(await listAll({ workflow: "trip-planner" })).toEqual(
        expected((workflow) => workflow === "trip-planner"),
      );
      expect(await listAll({ status: "running" })).toEqual(expected((_, status) => status === "running"));
      expect(await listAll({ status: "waiting" })).toEqual(expected((_, status) => status === "waiting"));
      expect(await listAll({ workflow: "pitch-refiner", status: "done" })).toEqual(
        expected((workflow, status) => workflow === "pitch-refiner" && status === "done"),
      );
      expect(await listAll({ workflow: "no-such-workflow" })).toEqual([]);
      // Unfiltered, the damaged record is still listed (where depends on what the damage left).
      expect((await listAll({})).sort()).toEqual([damaged.id, ...expected(() => true)].sort());
    });

    it("lists a finished run with its end, and a long task cut to the list's length", async () => {
      const owner = `lister-${Math.random().toString(36).slice(2, 8)}`;
      const run = newRun({ owner, input: "Plan ".repeat(100) });
      await store.createRun(run);
      await store.saveProgress(run.id, {
        events: events(1, 1),
        steps: [],
        run: { status: "done", endedAt: run.createdAt + 5, usage: { inputTokens: 3, outputTokens: 4 } },
      });
      const [entry] = (await store.listRuns({ owner, limit: 5 })).entries;
      expect(entry).toMatchObject({
        kind: "found",
        run: { id: run.id, owner, status: "done", endedAt: run.createdAt + 5, usage: { inputTokens: 3 } },
      });
      expect(entry?.kind === "found" && entry.run.input).toBe(run.input.slice(0, LISTED_INPUT_CHARS));
    });

    it("shares a run only for its owner, keeps one link, and forgets it on revoke and delete", async () => {
      const run = newRun({ owner: "sharer" });
      await store.createRun(run);
      expect(await store.shareRun(run.id, "someone-else", "token-x")).toBeUndefined();
      expect(await store.findSharedRun("token-x")).toBeUndefined();
      expect(await store.shareRun(run.id, "sharer", "token-1")).toBe("token-1");
      // Sharing again keeps the first link.
      expect(await subject.sibling().shareRun(run.id, "sharer", "token-2")).toBe("token-1");
      expect(await store.findSharedRun("token-1")).toBe(run.id);
      expect(await store.findSharedRun("token-2")).toBeUndefined();
      expect(await store.getRun(run.id)).toMatchObject({ kind: "found", run: { shareToken: "token-1" } });
      // A live run's saves keep the share.
      await store.saveProgress(run.id, { events: events(1, 2), steps: [], run: { heartbeatAt: Date.now() } });
      expect(await store.findSharedRun("token-1")).toBe(run.id);
      expect(await store.unshareRun(run.id, "someone-else")).toBe(false);
      expect(await store.findSharedRun("token-1")).toBe(run.id);
      expect(await store.unshareRun(run.id, "sharer")).toBe(true);
      expect(await store.findSharedRun("token-1")).toBeUndefined();
      const unshared = await store.getRun(run.id);
      expect(unshared.kind === "found" && unshared.run.shareToken).toBeUndefined();
      expect(await store.shareRun(run.id, "sharer", "token-3")).toBe("token-3");
      await store.saveProgress(run.id, { events: events(3, 1), steps: [], run: { status: "done" } });
      expect(await store.deleteRun(run.id)).toBe("deleted");
      expect(await store.findSharedRun("token-3")).toBeUndefined();
    });

    it("gives every run of one owner to another, live runs included", async () => {
      const guest = `guest-${Math.random().toString(36).slice(2, 8)}`;
      const user = `user-${Math.random().toString(36).slice(2, 8)}`;
      const runs = [newRun({ owner: guest }), newRun({ owner: guest }), newRun({ owner: `${guest}-x` })];
      for (const run of runs) await store.createRun(run);
      expect(await store.reassignRuns(guest, user)).toBe(2);
      // The live run's next save does not give it back.
      await store.saveProgress(runs[0]?.id ?? "", {
        events: events(1, 1),
        steps: [],
        run: { heartbeatAt: 1 },
      });
      const listed = (await store.listRuns({ owner: user, limit: 10 })).entries.map((entry) =>
        entry.kind === "found" ? entry.run.id : entry.id,
      );
      expect(listed.sort()).toEqual([runs[0]?.id, runs[1]?.id].sort());
      expect((await store.listRuns({ owner: guest, limit: 10 })).entries).toEqual([]);
      expect(await store.getRun(runs[0]?.id ?? "")).toMatchObject({ kind: "found", run: { owner: user } });
    });

    it("records one stop request, visible to every process, and refuses one for an ended run", async () => {
      const run = newRun();
      await store.createRun(run);
      const sibling = subject.sibling();
      expect(await sibling.readStopRequest(run.id)).toBeUndefined();
      const request = { by: "user", at: Date.now() };
      expect(await sibling.requestStop(run.id, request)).toBe("requested");
      expect(await store.readStopRequest(run.id)).toEqual(request);
      expect(await store.requestStop(run.id, { ...request, at: request.at + 5 })).toBe("already_requested");
      // The run's own writes do not lose the request.
      await store.saveProgress(run.id, { events: events(1, 1), steps: [], run: { heartbeatAt: Date.now() } });
      expect(await sibling.readStopRequest(run.id)).toEqual(request);
      await store.saveProgress(run.id, {
        events: events(2, 1),
        steps: [],
        run: { status: "stopped", endedAt: Date.now(), stoppedBy: request },
      });
      const found = await sibling.getRun(run.id);
      expect(found.kind === "found" && found.run).toMatchObject({ status: "stopped", stoppedBy: request });
      expect(await store.requestStop(run.id, request)).toBe("finished");
      expect(await store.requestStop("no-such-run", request)).toBe("missing");
      await sibling.close();
    });

    it("marks a silent run interrupted once, with its terminal event, and then refuses its writes", async () => {
      const longAgo = Date.now() - 60_000;
      const run = newRun({ heartbeatAt: longAgo });
      await store.createRun(run);
      await store.saveProgress(run.id, { events: events(1, 3), steps: [], run: { heartbeatAt: longAgo } });
      const closing = {
        seq: 4,
        json: JSON.stringify({ type: "data-run", id: run.id, data: { status: "interrupted" } }),
      };
      const terminal = {
        seq: 5,
        json: JSON.stringify({ type: "error", errorText: "The server running this run stopped." }),
      };
      const error = {
        code: "interrupted" as const,
        message: "The server running this run stopped.",
        retryable: true,
      };
      const options = {
        expectedLastSeq: 3,
        staleBefore: Date.now() - 15_000,
        events: [closing, terminal],
        at: Date.now(),
        error,
      };
      const shifted = [
        { ...closing, seq: 3 },
        { ...terminal, seq: 4 },
      ];
      expect(await store.markInterrupted(run.id, { ...options, expectedLastSeq: 2, events: shifted })).toBe(
        false,
      );
      expect(await store.markInterrupted(run.id, { ...options, staleBefore: longAgo - 1 })).toBe(false);
      const sibling = subject.sibling();
      const [first, second] = await Promise.all([
        store.markInterrupted(run.id, options),
        sibling.markInterrupted(run.id, options),
      ]);
      expect([first, second].filter(Boolean)).toHaveLength(1);
      await sibling.close();
      expect(await store.readEvents(run.id, 3)).toEqual([closing, terminal]);
      const found = await store.getRun(run.id);
      expect(found.kind === "found" && found.run).toMatchObject({ status: "interrupted", error, lastSeq: 5 });
      await expect(store.saveProgress(run.id, { events: events(4, 1), steps: [], run: {} })).rejects.toThrow(
        ProgressConflictError,
      );
    });

    it("does not mark a run interrupted while its process still writes", async () => {
      const run = newRun();
      await store.createRun(run);
      await store.saveProgress(run.id, { events: events(1, 1), steps: [], run: { heartbeatAt: Date.now() } });
      const closing = [{ seq: 2, json: "{}" }];
      const error = { code: "interrupted" as const, message: "gone", retryable: true };
      const options = {
        expectedLastSeq: 1,
        staleBefore: Date.now() - 15_000,
        events: closing,
        at: Date.now(),
        error,
      };
      expect(await store.markInterrupted(run.id, options)).toBe(false);
    });

    const question = (taskId: string) => ({
      interruptId: `i-${taskId}`,
      taskId,
      node: "review",
      question: "Approve the plan?",
      payload: { sections: ["Intro", "Ünïcode"] },
      actions: ["approve", "edit", "reject"] as ("approve" | "edit" | "reject")[],
      askedAt: Date.now(),
    });

    it("pauses a run with its questions, and lets one of two racing resumes take it up where it was", async () => {
      const run = newRun();
      await store.createRun(run);
      const waitingSince = Date.now();
      const asked = question("review");
      await store.saveProgress(run.id, {
        events: events(1, 3),
        steps: [step("review", { status: "waiting" })],
        run: { status: "waiting", waitingSince, questions: [asked] },
      });
      const paused = await store.getRun(run.id);
      expect(paused.kind === "found" && paused.run).toMatchObject({
        status: "waiting",
        waitingSince,
        questions: [asked],
        lastSeq: 3,
      });
      // A waiting run takes no progress until it is taken up again.
      await expect(store.saveProgress(run.id, { events: events(4, 1), steps: [], run: {} })).rejects.toThrow(
        ProgressConflictError,
      );
      const sibling = subject.sibling();
      const heartbeatAt = Date.now();
      const outcomes = await Promise.all([
        store.resumeRun(run.id, { heartbeatAt }),
        sibling.resumeRun(run.id, { heartbeatAt }),
      ]);
      await sibling.close();
      const resumed = outcomes.filter((outcome) => outcome.kind === "resumed");
      expect(resumed).toHaveLength(1);
      expect(outcomes.filter((outcome) => outcome.kind !== "resumed")).toEqual([
        { kind: "not_waiting", status: "running" },
      ]);
      const taken = resumed[0]?.kind === "resumed" ? resumed[0].run : undefined;
      expect(taken).toMatchObject({ status: "running", heartbeatAt, segments: 1, lastSeq: 3 });
      expect(taken?.questions).toBeUndefined();
      expect(taken?.waitingSince).toBeUndefined();
      const stored = await store.getRun(run.id);
      expect(stored).toEqual({ kind: "found", run: taken });
      expect((await store.getSteps(run.id)).map((saved) => saved.status)).toEqual(["waiting"]);
      // The sequence carries on from where the pause left it.
      await store.saveProgress(run.id, { events: events(4, 2), steps: [], run: {} });
      expect((await store.readEvents(run.id, 0)).map((event) => event.seq)).toEqual([1, 2, 3, 4, 5]);
      expect(await store.resumeRun(run.id, { heartbeatAt })).toEqual({
        kind: "not_waiting",
        status: "running",
      });
      expect(await store.resumeRun("no-such-run", { heartbeatAt })).toEqual({ kind: "missing" });
      // A second pause and resume counts its segment.
      await store.saveProgress(run.id, {
        events: events(6, 1),
        steps: [],
        run: { status: "waiting", waitingSince: Date.now(), questions: [question("again")] },
      });
      const again = await store.resumeRun(run.id, { heartbeatAt: Date.now() });
      expect(again.kind === "resumed" && again.run.segments).toBe(2);
    });

    it("ends a waiting run once with its closing events, and never a running one or from the wrong place", async () => {
      const running = newRun();
      await store.createRun(running);
      const terminal = (seq: number) => ({
        seq,
        json: JSON.stringify({ type: "error", errorText: "Expired." }),
      });
      const patch = { status: "expired" as const, endedAt: Date.now(), questions: undefined };
      expect(
        await store.closeWaitingRun(running.id, { expectedLastSeq: 0, events: [terminal(1)], patch }),
      ).toBe(false);
      expect(
        await store.closeWaitingRun("no-such-run", { expectedLastSeq: 0, events: [terminal(1)], patch }),
      ).toBe(false);

      const run = newRun();
      await store.createRun(run);
      await store.saveProgress(run.id, {
        events: events(1, 2),
        steps: [],
        run: { status: "waiting", waitingSince: Date.now(), questions: [question("review")] },
      });
      const closing = [
        { seq: 3, json: JSON.stringify({ type: "data-run", data: { status: "expired" } }) },
        terminal(4),
      ];
      expect(await store.closeWaitingRun(run.id, { expectedLastSeq: 1, events: closing, patch })).toBe(false);
      expect(
        await store.closeWaitingRun(run.id, {
          expectedLastSeq: 2,
          events: [closing[0] as StoredEvent, terminal(5)],
          patch,
        }),
      ).toBe(false);
      expect(await store.readEvents(run.id, 2)).toEqual([]);

      const sibling = subject.sibling();
      const results = await Promise.all([
        store.closeWaitingRun(run.id, { expectedLastSeq: 2, events: closing, patch }),
        sibling.closeWaitingRun(run.id, { expectedLastSeq: 2, events: closing, patch }),
      ]);
      await sibling.close();
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await store.readEvents(run.id, 2)).toEqual(closing);
      const found = await store.getRun(run.id);
      expect(found.kind === "found" && found.run).toMatchObject({ status: "expired", lastSeq: 4 });
      expect(found.kind === "found" && found.run.questions).toBeUndefined();
      expect(await store.resumeRun(run.id, { heartbeatAt: Date.now() })).toEqual({
        kind: "not_waiting",
        status: "expired",
      });
      await expect(store.saveProgress(run.id, { events: events(5, 1), steps: [], run: {} })).rejects.toThrow(
        ProgressConflictError,
      );
      expect(await store.deleteRun(run.id)).toBe("deleted");
    });

    it("deletes an ended run with its steps and events, never a running one", async () => {
      const running = newRun();
      await store.createRun(running);
      expect(await store.deleteRun(running.id)).toBe("running");
      const ended = newRun();
      await store.createRun(ended);
      await store.saveProgress(ended.id, {
        events: events(1, 4),
        steps: [step("a")],
        run: { status: "failed", endedAt: Date.now() },
      });
      expect(await store.deleteRun(ended.id)).toBe("deleted");
      expect(await store.getRun(ended.id)).toEqual({ kind: "missing" });
      expect(await store.readEvents(ended.id, 0)).toEqual([]);
      expect(await store.getSteps(ended.id)).toEqual([]);
      expect(await store.deleteRun(ended.id)).toBe("missing");
    });

    it("reports an unreadable record as corrupt, in lookups and in lists, without failing", async () => {
      const run = newRun({ owner: "corrupt-owner", createdAt: Date.now() + 20_000_000 });
      await store.createRun(run);
      await subject.corrupt(run.id, run.owner);
      const found = await store.getRun(run.id);
      expect(found).toMatchObject({ kind: "corrupt", id: run.id });
      const page = await store.listRuns({ owner: run.owner, limit: 5 });
      expect(page.entries[0]).toMatchObject({ kind: "corrupt", id: run.id });
    });

    it("lets one of two racing writers extend the stream from the same place", async () => {
      const run = newRun();
      await store.createRun(run);
      const sibling = subject.sibling();
      const results = await Promise.allSettled([
        store.saveProgress(run.id, { events: events(1, 2), steps: [], run: {} }),
        sibling.saveProgress(run.id, { events: events(1, 3, 10), steps: [], run: {} }),
      ]);
      await sibling.close();
      expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(1);
      const stored = await store.readEvents(run.id, 0);
      expect([events(1, 2), events(1, 3, 10)]).toContainEqual(stored);
    });
  });
}
