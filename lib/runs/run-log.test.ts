import { describe, expect, it, vi } from "vitest";
import type { RunChunk } from "./contract";
import { RunLog } from "./run-log";

const delta = (text: string): RunChunk => ({ type: "text-delta", id: "task-1", delta: text });

/** Settles within a macrotask, or reports that it is still pending. */
async function settledSoon<T>(
  promise: Promise<T>,
): Promise<{ settled: true; value: T } | { settled: false }> {
  const pending = Symbol("pending");
  const raced = await Promise.race([
    promise,
    new Promise<typeof pending>((resolve) => setTimeout(() => resolve(pending), 20)),
  ]);
  return raced === pending ? { settled: false } : { settled: true, value: raced as T };
}

describe("RunLog", () => {
  it("numbers parts 1..n without gaps and serialises each once", () => {
    const log = new RunLog();
    const seqs = [
      log.append({ type: "start", messageId: "run-1" }),
      ...Array.from({ length: 20 }, (_, index) => log.append(delta(`t${index}`))),
    ];
    expect(seqs).toEqual(Array.from({ length: 21 }, (_, index) => index + 1));
    expect(log.lastSeq).toBe(21);
    expect(log.isClosed).toBe(false);

    const entries = log.entriesAfter(0);
    expect(entries.map((entry) => entry.seq)).toEqual(seqs);
    for (const entry of entries) expect(JSON.parse(entry.json)).toEqual(entry.chunk);
    expect(log.entriesAfter(18).map((entry) => entry.seq)).toEqual([19, 20, 21]);
    expect(log.entriesAfter(21)).toEqual([]);
    expect(log.entriesAfter(-5)).toHaveLength(21);
  });

  it.each([
    { type: "finish" },
    { type: "abort", reason: "Stopped by the user." },
    { type: "error", errorText: "Bedrock is throttling this account; try again in a minute." },
  ] satisfies RunChunk[])("accepts nothing after a terminal $type part", async (terminal) => {
    const log = new RunLog();
    log.append({ type: "start", messageId: "run-1" });
    expect(log.append(terminal)).toBe(2);
    expect(log.isClosed).toBe(true);

    expect(log.append(delta("late"))).toBeUndefined();
    expect(log.append({ type: "finish" })).toBeUndefined();
    expect(log.lastSeq).toBe(2);
    expect(log.entriesAfter(0).map((entry) => entry.chunk.type)).toEqual(["start", terminal.type]);
    // A reader at the end learns that nothing more will come, instead of waiting forever.
    expect(await log.next(2)).toBeUndefined();
  });

  it("returns a part already logged at once", async () => {
    const log = new RunLog();
    log.append({ type: "start", messageId: "run-1" });
    log.append(delta("a"));
    expect((await log.next(1))?.chunk).toEqual(delta("a"));
  });

  it("makes next() wait for a future append, then resolve with it", async () => {
    const log = new RunLog();
    log.append({ type: "start", messageId: "run-1" });
    const waiting = log.next(1);
    expect(await settledSoon(waiting)).toEqual({ settled: false });

    log.append(delta("hello"));
    const entry = await waiting;
    expect(entry?.seq).toBe(2);
    expect(entry?.chunk).toEqual(delta("hello"));
  });

  it("wakes every waiting reader, each for its own next part", async () => {
    const log = new RunLog();
    const first = log.next(0);
    const second = log.next(1);
    log.append({ type: "start", messageId: "run-1" });
    expect((await first)?.seq).toBe(1);
    expect(await settledSoon(second)).toEqual({ settled: false });
    log.append(delta("x"));
    expect((await second)?.seq).toBe(2);
  });

  it("resolves a waiting next() with undefined when the log closes before its part", async () => {
    const log = new RunLog();
    log.append({ type: "start", messageId: "run-1" });
    const beyondTerminal = log.next(2);
    log.append({ type: "finish" });
    expect(await beyondTerminal).toBeUndefined();
  });

  it("resolves next() with undefined when its wait times out, and the later part is still there", async () => {
    const log = new RunLog();
    log.append({ type: "start", messageId: "run-1" });
    expect(await log.next(1, 0)).toBeUndefined();

    const waiting = log.next(1, 60);
    expect(await settledSoon(waiting)).toEqual({ settled: false });
    expect(await waiting).toBeUndefined();
    log.append(delta("later"));
    expect((await log.next(1, 60))?.seq).toBe(2);
  });

  it("leaves no timer or waiter behind: timed-out waits are forgotten, a woken wait clears its timer", async () => {
    vi.useFakeTimers();
    try {
      const log = new RunLog();
      log.append({ type: "start", messageId: "run-1" });
      const timedOut = Array.from({ length: 200 }, () => log.next(1, 1000));
      await vi.advanceTimersByTimeAsync(1000);
      for (const waiting of timedOut) expect(await waiting).toBeUndefined();
      expect(vi.getTimerCount()).toBe(0);

      const pending = Array.from({ length: 50 }, () => log.next(1, 10_000));
      expect(vi.getTimerCount()).toBe(50);
      log.append(delta("wake up"));
      for (const waiting of pending) expect((await waiting)?.chunk).toEqual(delta("wake up"));
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});
