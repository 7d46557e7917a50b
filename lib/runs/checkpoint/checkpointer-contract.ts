import { randomUUID } from "node:crypto";
import {
  Annotation,
  Command,
  END,
  INTERRUPT,
  interrupt,
  isInterrupted,
  START,
  StateGraph,
} from "@langchain/langgraph";
import type { BaseCheckpointSaver } from "@langchain/langgraph-checkpoint";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

export interface CheckpointerUnderTest {
  /** A new checkpointer on the shared file or table, as another server process would open it. */
  open: () => BaseCheckpointSaver;
  /** How many rows or items the storage holds for a thread, read straight from it. */
  countStored: (threadId: string) => Promise<number>;
  dispose: () => Promise<void>;
}

const ReviewState = Annotation.Root({
  topic: Annotation<string>,
  draft: Annotation<string>,
  decision: Annotation<string>,
  published: Annotation<string>,
});

/** Text of about `bytes` UTF-8 bytes, not all ASCII (DynamoDB counts bytes, not characters). */
export function longText(bytes: number): string {
  const unit = "Étape suivante — ";
  return unit.repeat(Math.ceil(bytes / Buffer.byteLength(unit, "utf8")));
}

/**
 * A draft written by one node, then reviewed inside a subgraph whose node asks a person through
 * `interrupt()`, then published: state in two checkpoint namespaces, as the app's graphs have it.
 * `calls` records each node run, to tell a resume from a rerun.
 */
export function reviewGraph(
  checkpointer: BaseCheckpointSaver,
  options: { draftBytes?: number; calls?: string[] } = {},
) {
  const calls = options.calls ?? [];
  const review = new StateGraph(ReviewState)
    .addNode("ask", (state) => {
      calls.push("ask");
      const decision = interrupt({ question: "Publish this draft?", draft: state.draft.slice(0, 40) });
      return { decision: String(decision) };
    })
    .addEdge(START, "ask")
    .addEdge("ask", END)
    .compile();
  return new StateGraph(ReviewState)
    .addNode("write", (state) => {
      calls.push("write");
      return { draft: `${state.topic}: ${longText(options.draftBytes ?? 100)}` };
    })
    .addNode("review", review)
    .addNode("publish", (state) => {
      calls.push("publish");
      return { published: state.decision === "yes" ? state.draft : "" };
    })
    .addEdge(START, "write")
    .addEdge("write", "review")
    .addEdge("review", "publish")
    .addEdge("publish", END)
    .compile({ checkpointer });
}

/** Two steps that each set `text`, for forking a thread from its first step. */
function twoStepGraph(checkpointer: BaseCheckpointSaver) {
  const State = Annotation.Root({ text: Annotation<string> });
  return new StateGraph(State)
    .addNode("first", () => ({ text: "first" }))
    .addNode("second", () => ({ text: "second" }))
    .addEdge(START, "first")
    .addEdge("first", "second")
    .addEdge("second", END)
    .compile({ checkpointer });
}

const threadConfig = (threadId: string) => ({ configurable: { thread_id: threadId } });

/** Pauses a review thread with one checkpointer instance; returns the thread id. */
export async function pauseReview(subject: CheckpointerUnderTest, draftBytes?: number): Promise<string> {
  const threadId = `thread-${randomUUID()}`;
  const paused = await reviewGraph(subject.open(), { draftBytes }).invoke(
    { topic: "Lisbon" },
    threadConfig(threadId),
  );
  expect(isInterrupted(paused)).toBe(true);
  return threadId;
}

/** What a checkpointer must do for the app, run against each implementation. */
export function checkpointerContract(name: string, setup: () => Promise<CheckpointerUnderTest>): void {
  describe(`Checkpointer contract: ${name}`, () => {
    let subject: CheckpointerUnderTest;

    beforeAll(async () => {
      subject = await setup();
    });
    afterAll(() => subject.dispose());

    it("resumes a paused graph in a new graph and checkpointer instance, as another process would", async () => {
      const threadId = `thread-${randomUUID()}`;
      const before: string[] = [];
      const paused = await reviewGraph(subject.open(), { calls: before }).invoke(
        { topic: "Lisbon" },
        threadConfig(threadId),
      );
      expect(isInterrupted(paused) && paused[INTERRUPT]).toMatchObject([
        { value: { question: "Publish this draft?" } },
      ]);
      expect(before).toEqual(["write", "ask"]);

      const after: string[] = [];
      const resumed = reviewGraph(subject.open(), { calls: after });
      const waiting = await resumed.getState(threadConfig(threadId));
      expect(waiting.next).toEqual(["review"]);
      expect(waiting.tasks[0]?.interrupts).toMatchObject([{ value: { question: "Publish this draft?" } }]);

      const done = await resumed.invoke(new Command({ resume: "yes" }), threadConfig(threadId));
      expect(after).toEqual(["ask", "publish"]);
      expect(done).toMatchObject({ decision: "yes", published: expect.stringMatching(/^Lisbon: Étape/) });
      expect((await resumed.getState(threadConfig(threadId))).next).toEqual([]);
    });

    it("keeps a checkpoint whose values exceed 1 MB whole across the pause", async () => {
      const draftBytes = 1_200_000;
      const threadId = await pauseReview(subject, draftBytes);
      const resumed = reviewGraph(subject.open());
      const waiting = await resumed.getState(threadConfig(threadId));
      const draft = `Lisbon: ${longText(draftBytes)}`;
      expect(Buffer.byteLength(draft, "utf8")).toBeGreaterThan(1_200_000);
      expect(waiting.values.draft).toBe(draft);
      const done = await resumed.invoke(new Command({ resume: "yes" }), threadConfig(threadId));
      expect(done.published).toBe(draft);
    });

    it("lists a thread's checkpoints newest first, in every namespace, with limit, before and filter", async () => {
      const threadId = await pauseReview(subject);
      const checkpointer = subject.open();
      const listed = async (options: Parameters<BaseCheckpointSaver["list"]>[1] = {}) => {
        const tuples = [];
        for await (const tuple of checkpointer.list(threadConfig(threadId), options)) tuples.push(tuple);
        return tuples;
      };
      const all = await listed();
      const ids = all.map((tuple) => tuple.checkpoint.id);
      expect(ids.length).toBeGreaterThan(4);
      expect(ids).toEqual([...ids].sort().reverse());
      expect(new Set(all.map((tuple) => tuple.config.configurable?.checkpoint_ns)).size).toBe(2);

      const page = await listed({ limit: 2, before: { configurable: { checkpoint_id: ids[1] } } });
      expect(page.map((tuple) => tuple.checkpoint.id)).toEqual(ids.slice(2, 4));
      const inputs = await listed({ filter: { source: "input" } });
      expect(inputs.map((tuple) => tuple.checkpoint.id)).toEqual(
        all.filter((tuple) => tuple.metadata?.source === "input").map((tuple) => tuple.checkpoint.id),
      );
      expect(inputs.length).toBeGreaterThan(0);
    });

    it("keeps both branches of a fork apart", async () => {
      const threadId = `thread-${randomUUID()}`;
      const graph = twoStepGraph(subject.open());
      await graph.invoke({ text: "" }, threadConfig(threadId));
      const history = [];
      for await (const snapshot of graph.getStateHistory(threadConfig(threadId))) history.push(snapshot);
      const end = history[0];
      const afterFirst = history.find((snapshot) => snapshot.next[0] === "second");
      if (!end || !afterFirst) throw new Error("The run left no history");

      const forked = await graph.updateState(afterFirst.config, { text: "forked" }, "first");
      const reopened = twoStepGraph(subject.open());
      expect((await reopened.getState(forked)).values.text).toBe("forked");
      expect((await reopened.getState(end.config)).values.text).toBe("second");
      expect((await reopened.getState(afterFirst.config)).values.text).toBe("first");
    });

    it("deletes every checkpoint, value and write of a thread, in every namespace, and nothing else", async () => {
      const doomed = await pauseReview(subject, 400_000);
      const kept = await pauseReview(subject);
      const checkpointer = subject.open();
      const namespaces = new Set<string>();
      for await (const tuple of checkpointer.list(threadConfig(doomed))) {
        namespaces.add(String(tuple.config.configurable?.checkpoint_ns));
      }
      expect(namespaces.size).toBeGreaterThan(1);
      const keptBefore = await subject.countStored(kept);

      await checkpointer.deleteThread(doomed);

      expect(await subject.countStored(doomed)).toBe(0);
      expect(await subject.open().getTuple(threadConfig(doomed))).toBeUndefined();
      expect(await subject.countStored(kept)).toBe(keptBefore);
      expect((await reviewGraph(subject.open()).getState(threadConfig(kept))).next).toEqual(["review"]);
    });
  });
}
