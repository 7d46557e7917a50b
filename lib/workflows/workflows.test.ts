import { describe, expect, it } from "vitest";
import { offlineRevisionsWanted, offlineScore, offlineSectionCount } from "@/lib/models/offline-replies";
import { type RunChunk, type StepPart, taskIdOfPart } from "@/lib/runs/contract";
import { runOfflineToEnd } from "@/lib/runs/testing/offline-run";
import { MAX_OUTLINE_REVISIONS } from "./article-writer";
import { MAX_ATTEMPTS, PASSING_SCORE } from "./pitch-refiner";

interface TimedChunk {
  /** Milliseconds since the run started, when the executor wrote the part. */
  at: number;
  chunk: RunChunk;
}

async function runWorkflow(workflowId: string, input: string, tokensPerSecond = 0): Promise<TimedChunk[]> {
  return runOfflineToEnd(workflowId, input, { tokensPerSecond });
}

interface StepEvent {
  index: number;
  at: number;
  step: StepPart;
}

function stepEvents(chunks: TimedChunk[]): StepEvent[] {
  return chunks.flatMap(({ at, chunk }, index) =>
    chunk.type === "data-step" ? [{ index, at, step: chunk.data }] : [],
  );
}

const startedSteps = (chunks: TimedChunk[]) =>
  stepEvents(chunks).filter((event) => event.step.status === "running");

const finishedSteps = (chunks: TimedChunk[]) =>
  stepEvents(chunks).filter((event) => event.step.status !== "running");

const startedNodes = (chunks: TimedChunk[]) => startedSteps(chunks).map((event) => event.step.node);

/** The first of a few hundred plausible inputs that the offline model treats as wanted. */
function findInput(wanted: (input: string) => boolean): string {
  for (let index = 0; index < 1000; index++) {
    const input = `How teams can plan project number ${index}`;
    if (wanted(input)) return input;
  }
  throw new Error("No candidate input matched");
}

/** How many evaluations the pitch refiner makes for a task: until the score passes, or the cap. */
function expectedEvaluations(task: string): number {
  for (let attempt = 1; attempt < MAX_ATTEMPTS; attempt++) {
    if (offlineScore(task, attempt) >= PASSING_SCORE) return attempt;
  }
  return MAX_ATTEMPTS;
}

type TaskPhase = "running" | "text" | "text-ended" | "waiting" | "finished";

/** Nodes that call no model: they ask a person (and go running → waiting → running → done). */
const ASKING_NODES = new Set(["review"]);

/**
 * Checks the stream contract of a successful run: `start` first, one terminal `finish` last,
 * every token inside a running step's open text part, text closed before the step finishes,
 * and each finished step counted with exactly the output tokens it relayed.
 */
function expectWellFormedRun(chunks: TimedChunk[]): void {
  const types = chunks.map(({ chunk }) => chunk.type);
  expect(types[0]).toBe("start");
  expect(types.filter((type) => type === "finish" || type === "abort" || type === "error")).toEqual([
    "finish",
  ]);
  expect(types.at(-1)).toBe("finish");

  const phases = new Map<string, TaskPhase>();
  const deltasByTask = new Map<string, number>();
  const taskOfText = new Map<string, string>();
  let stepOutputTokens = 0;
  for (const { chunk } of chunks) {
    if (chunk.type === "data-step") {
      const taskId = chunk.data.taskId;
      if (ASKING_NODES.has(chunk.data.node)) {
        // Asks, waits for the answer, runs again with it, and ends.
        const expected = { running: [undefined, "waiting"], waiting: ["running"], done: ["running"] };
        expect(expected[chunk.data.status as keyof typeof expected]).toContain(phases.get(taskId));
        phases.set(taskId, chunk.data.status === "done" ? "finished" : (chunk.data.status as TaskPhase));
      } else if (chunk.data.status === "running") {
        expect(phases.has(taskId)).toBe(false);
        phases.set(taskId, "running");
      } else {
        expect(chunk.data.status).toBe("done");
        expect(phases.get(taskId)).toBe("text-ended");
        // The offline model writes one token per delta, so usage counts exactly the relayed deltas.
        expect(chunk.data.usage?.outputTokens).toBeGreaterThan(0);
        expect(chunk.data.usage?.outputTokens).toBe(deltasByTask.get(taskId));
        stepOutputTokens += chunk.data.usage?.outputTokens ?? 0;
        phases.set(taskId, "finished");
      }
    } else if (chunk.type === "text-start") {
      // A text part names its task in its metadata (after a resume its id is not the task's).
      const taskId = taskIdOfPart(chunk) ?? "";
      taskOfText.set(chunk.id, taskId);
      expect(phases.get(taskId)).toBe("running");
      phases.set(taskId, "text");
    } else if (chunk.type === "text-delta") {
      const taskId = taskOfText.get(chunk.id) ?? "";
      expect(phases.get(taskId)).toBe("text");
      deltasByTask.set(taskId, (deltasByTask.get(taskId) ?? 0) + 1);
    } else if (chunk.type === "text-end") {
      const taskId = taskOfText.get(chunk.id) ?? "";
      expect(phases.get(taskId)).toBe("text");
      phases.set(taskId, "text-ended");
    }
  }
  expect([...phases.values()].every((phase) => phase === "finished")).toBe(true);

  const runParts = chunks.flatMap(({ chunk }) => (chunk.type === "data-run" ? [chunk.data] : []));
  // Running to done, with a pause for each question asked on the way.
  expect(runParts.map((part) => part.status).join(" ")).toMatch(/^running( waiting running)* done$/);
  expect(runParts.at(-1)?.usage?.outputTokens).toBe(stepOutputTokens);
  const result = chunks.find(({ chunk }) => chunk.type === "data-result")?.chunk;
  expect(result?.type === "data-result" ? result.data.markdown.length : 0).toBeGreaterThan(0);
}

describe("article writer", () => {
  it.each([0, 1, 2, 3])(
    "follows the reviewer through %i wanted revisions, within the cap",
    async (wanted) => {
      const input = findInput((candidate) => offlineRevisionsWanted(candidate) === wanted);
      const chunks = await runWorkflow("article-writer", input);
      expectWellFormedRun(chunks);

      const revisions = Math.min(wanted, MAX_OUTLINE_REVISIONS);
      const loops = Array.from({ length: revisions }, () => ["revise", "check"]).flat();
      expect(startedNodes(chunks)).toEqual(["outline", "check", ...loops, "draft", "polish"]);

      const checks = finishedSteps(chunks).filter((event) => event.step.node === "check");
      expect(checks.map((event) => event.step.label)).toEqual([
        "First outline",
        ...Array.from({ length: revisions }, (_, index) => `Revision ${index + 1}`),
      ]);
      // The last check passes unless the reviewer wanted more revisions than the cap allows.
      expect(checks.at(-1)?.step.summary).toBe(
        wanted > MAX_OUTLINE_REVISIONS ? "Sent back for revision" : "Passed the gate",
      );
    },
  );
});

describe("trip planner", () => {
  it("runs lodging, activities and food side by side, then the itinerary after all three", async () => {
    const chunks = await runWorkflow("trip-planner", "Four days in Lisbon in spring");
    expectWellFormedRun(chunks);

    const branches = ["lodging", "activities", "food"];
    const started = startedSteps(chunks);
    const finished = finishedSteps(chunks);
    const branchStarts = started.filter((event) => branches.includes(event.step.node));
    const branchEnds = finished.filter((event) => branches.includes(event.step.node));
    expect(branchStarts.map((event) => event.step.node).sort()).toEqual([...branches].sort());
    expect(branchEnds).toHaveLength(3);

    const lastBranchStart = Math.max(...branchStarts.map((event) => event.index));
    const firstBranchEnd = Math.min(...branchEnds.map((event) => event.index));
    expect(lastBranchStart).toBeLessThan(firstBranchEnd);

    // The result is built from exactly the text each node streamed: no token lost or doubled.
    const textOfNode = (node: string) => {
      const taskId = started.find((event) => event.step.node === node)?.step.taskId;
      return chunks
        .flatMap(({ chunk }) => (chunk.type === "text-delta" && chunk.id === taskId ? [chunk.delta] : []))
        .join("");
    };
    const result = chunks.find(({ chunk }) => chunk.type === "data-result")?.chunk;
    expect(result?.type === "data-result" ? result.data.markdown : "").toBe(
      ["itinerary", "lodging", "activities", "food"].map(textOfNode).join("\n\n"),
    );

    const itinerary = started.find((event) => event.step.node === "itinerary");
    expect(itinerary?.index).toBeGreaterThan(Math.max(...branchEnds.map((event) => event.index)));
    expect(startedNodes(chunks)).toHaveLength(4);
  });
});

describe("report writer", () => {
  it.each([2, 3, 4, 5])("sends one labelled worker per planned section (%i sections)", async (count) => {
    const input = findInput((candidate) => offlineSectionCount(candidate) === count);
    const chunks = await runWorkflow("report-writer", input);
    expectWellFormedRun(chunks);

    const sections = startedSteps(chunks).filter((event) => event.step.node === "section");
    expect(sections).toHaveLength(offlineSectionCount(input));
    const labels = sections.map((event) => event.step.label);
    expect(labels.every((label) => typeof label === "string" && label.length > 0)).toBe(true);
    expect(new Set(labels).size).toBe(labels.length);
    // The review asks a person, then runs again with the answer (approve).
    expect(startedNodes(chunks)).toEqual([
      "plan",
      "review",
      "review",
      ...labels.map(() => "section"),
      "compose",
    ]);

    const plan = finishedSteps(chunks).find((event) => event.step.node === "plan");
    expect(plan?.step.summary).toBe(`${count} sections planned`);
  });

  it("writes the sections at the same time", async () => {
    const input = findInput((candidate) => offlineSectionCount(candidate) === 3);
    const chunks = await runWorkflow("report-writer", input, 200);
    expectWellFormedRun(chunks);

    const started = startedSteps(chunks).filter((event) => event.step.node === "section");
    const finished = finishedSteps(chunks).filter((event) => event.step.node === "section");
    expect(started).toHaveLength(3);
    expect(finished).toHaveLength(3);
    // Every worker starts before any finishes, and in time they overlap for most of their length.
    const lastStart = Math.max(...started.map((event) => event.at));
    const firstEnd = Math.min(...finished.map((event) => event.at));
    expect(lastStart).toBeLessThan(firstEnd);
    const longest = Math.max(...finished.map((event) => event.step.durationMs ?? 0));
    const span =
      Math.max(...finished.map((event) => event.at)) - Math.min(...started.map((event) => event.at));
    expect(span).toBeLessThan(longest * 1.8);

    // Their tokens interleave: the first worker's text is interrupted by the others'.
    const taskOfText = new Map<string, string>();
    const deltaOwners = chunks.flatMap(({ chunk }) => {
      if (chunk.type === "text-start") taskOfText.set(chunk.id, taskIdOfPart(chunk) ?? "");
      return chunk.type === "text-delta" ? [taskOfText.get(chunk.id) ?? ""] : [];
    });
    const [first] = started;
    const firstId = first?.step.taskId ?? "";
    const during = new Set(deltaOwners.slice(deltaOwners.indexOf(firstId), deltaOwners.lastIndexOf(firstId)));
    for (const event of started) expect(during.has(event.step.taskId)).toBe(true);
  });
});

describe("pitch refiner", () => {
  const cases = [
    {
      name: "stops at the attempt cap when the score never passes",
      input: findInput((candidate) => offlineScore(candidate, MAX_ATTEMPTS) < PASSING_SCORE),
    },
    {
      name: "stops early once the score passes",
      input: findInput((candidate) => expectedEvaluations(candidate) < MAX_ATTEMPTS),
    },
    {
      name: "passes on the last allowed attempt",
      input: findInput(
        (candidate) =>
          expectedEvaluations(candidate) === MAX_ATTEMPTS &&
          offlineScore(candidate, MAX_ATTEMPTS) >= PASSING_SCORE,
      ),
    },
  ];

  it.each(cases)("$name", async ({ input }) => {
    const evaluations = expectedEvaluations(input);
    const chunks = await runWorkflow("pitch-refiner", input);
    expectWellFormedRun(chunks);

    const loops = Array.from({ length: evaluations - 1 }, () => ["improve", "evaluate"]).flat();
    expect(startedNodes(chunks)).toEqual(["generate", "evaluate", ...loops]);

    const evaluated = finishedSteps(chunks).filter((event) => event.step.node === "evaluate");
    expect(evaluated.map((event) => event.step.label)).toEqual(
      Array.from({ length: evaluations }, (_, index) => `Attempt ${index + 1}`),
    );
    expect(evaluated.map((event) => event.step.summary)).toEqual(
      Array.from({ length: evaluations }, (_, index) => `Scored ${offlineScore(input, index + 1)}/10`),
    );

    const finalScore = offlineScore(input, evaluations);
    const result = chunks.find(({ chunk }) => chunk.type === "data-result")?.chunk;
    expect(result?.type === "data-result" ? result.data.markdown : "").toContain(
      `Editor's score: ${finalScore}/10 after ${evaluations} attempts`,
    );
  });
});
