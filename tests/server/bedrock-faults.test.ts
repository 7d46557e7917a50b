import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type AppServer, startAppServer } from "../support/app-server";
import {
  type FakeBedrock,
  type FakeBedrockPlan,
  type FakeBedrockRequest,
  startFakeBedrock,
  textAnswer,
} from "../support/fake-bedrock";
import { postRun, type TimedChunk, terminalTypes } from "../support/read-stream";
import { TestVisitor } from "../support/visitor";

/**
 * Bedrock's faults, each scripted in the loopback ConverseStream server and driven through the
 * real app, the real ChatBedrockConverse and the AWS SDK's own retries, signing and event-stream
 * parsing. Price: Claude Haiku 4.5's list price (the app's table), $0.001 in and $0.005 out per 1K.
 */
const MODEL_ID = "anthropic.claude-haiku-4-5-20251001-v1:0";
const USAGE = { inputTokens: 17, outputTokens: 3 };
const CALL_COST = (17 * 0.001 + 3 * 0.005) / 1000;

let bedrock: FakeBedrock;
let server: AppServer;
/** The visitor every request of these tests comes from. */
let you: TestVisitor;
let script: (request: FakeBedrockRequest, index: number) => FakeBedrockPlan | undefined;
let count = 0;

/** A sensible answer for whichever node asked, so every workflow runs to its end. */
function goodAnswer(request: FakeBedrockRequest): FakeBedrockPlan {
  const system = request.body.system?.[0]?.text ?? "";
  const text = system.includes("demanding editor")
    ? ["SCORE: 9/10\n", "FEEDBACK:\n- Clear."]
    : ["Hello", " from", " Bedrock"];
  return { events: textAnswer(text, USAGE), delayMs: 5 };
}

const env = (extra: Record<string, string> = {}) => ({
  BEDROCK_MODEL_ID: MODEL_ID,
  BEDROCK_ENDPOINT_URL: bedrock.endpoint,
  AWS_REGION: "us-east-1",
  AWS_ACCESS_KEY_ID: "AKIDTESTTESTTEST",
  AWS_SECRET_ACCESS_KEY: "test-secret",
  MODEL_IDLE_TIMEOUT_MS: "700",
  ...extra,
});

beforeAll(async () => {
  bedrock = await startFakeBedrock((request) => {
    const index = count++;
    return script(request, index) ?? goodAnswer(request);
  });
  server = await startAppServer(env());
  you = await TestVisitor.arrive(server.url);
});
afterAll(async () => {
  await server?.stop();
  await bedrock?.close();
});
beforeEach(() => {
  bedrock.requests.length = 0;
  count = 0;
  script = () => undefined;
});

const terminalOf = (chunks: TimedChunk[]) => {
  const terminals = chunks.filter(({ chunk }) => terminalTypes.has(chunk.type));
  expect(terminals).toHaveLength(1);
  expect(chunks.at(-1)).toBe(terminals[0]);
  return terminals[0]?.chunk as { type: string; code?: string; errorText?: string; retryable?: boolean };
};
const stepsOf = (chunks: TimedChunk[]) => {
  const steps = new Map<string, Record<string, unknown>>();
  for (const { chunk } of chunks) {
    if (chunk.type === "data-step") steps.set(chunk.id ?? "", chunk.data as Record<string, unknown>);
  }
  return [...steps.values()];
};
const stepUpdates = (chunks: TimedChunk[], node: string) =>
  chunks.flatMap(({ chunk }) =>
    chunk.type === "data-step" && (chunk.data as { node: string }).node === node
      ? [chunk.data as Record<string, unknown>]
      : [],
  );

describe("before the stream starts", () => {
  it("a 429 is retried by the AWS SDK, and the run goes on", async () => {
    script = (_request, index) =>
      index < 2 ? { status: 429, errorType: "ThrottlingException", message: "Too many requests" } : undefined;
    const { chunks } = await postRun(you, { workflow: "pitch-refiner", input: "A solar umbrella" });
    expect(terminalOf(chunks).type).toBe("finish");
    expect(bedrock.requests.slice(0, 3).map((r) => r.body.system?.[0]?.text)).toEqual(
      Array(3).fill(expect.stringContaining("product pitches")),
    );
  });

  it("a 429 that persists: the SDK's three attempts, then one clear terminal error saying so", async () => {
    script = () => ({ status: 429, errorType: "ThrottlingException", message: "Too many requests" });
    const { chunks } = await postRun(you, { workflow: "pitch-refiner", input: "A solar umbrella" });
    const terminal = terminalOf(chunks);
    expect(terminal).toMatchObject({ type: "error", code: "rate_limited", retryable: true });
    expect(terminal.errorText).toMatch(
      /^Bedrock is throttling this account; try again in a minute\. \(3 attempts over \d+\.\d s\)$/,
    );
    expect(bedrock.requests).toHaveLength(3);
    expect(stepsOf(chunks)).toEqual([expect.objectContaining({ node: "generate", status: "failed" })]);
  });

  it.each([
    [500, "InternalServerException", /internal error.*\(3 attempts/, 3, true],
    [503, "ServiceUnavailableException", /unavailable.*\(3 attempts/, 3, true],
    [400, "ValidationException", /model id was not found in this region/, 1, false],
    [403, "AccessDeniedException", /denied access/, 1, false],
  ])(
    "HTTP %i %s: %s, after %i request(s), retryable %s",
    async (status, errorType, words, requests, retryable) => {
      script = () => ({ status, errorType, message: "The provided model identifier is invalid." });
      const { chunks } = await postRun(you, { workflow: "pitch-refiner", input: "A solar umbrella" });
      const terminal = terminalOf(chunks);
      expect(terminal).toMatchObject({ type: "error", code: "model_error", retryable });
      expect(terminal.errorText).toMatch(words);
      expect(bedrock.requests).toHaveLength(requests);
      expect(stepUpdates(chunks, "generate").some((step) => step.attempt !== undefined)).toBe(false);
    },
  );
});

describe("in the middle of a stream", () => {
  it("a throttling event: the node retries, says which attempt, and its text starts afresh", async () => {
    script = (_request, index) =>
      index === 0
        ? { events: textAnswer(["Half", " a"]).slice(0, 3), exception: ["throttlingException", "Slow down"] }
        : undefined;
    const { chunks, runId } = await postRun(you, {
      workflow: "pitch-refiner",
      input: "A solar umbrella",
    });
    expect(terminalOf(chunks).type).toBe("finish");
    const updates = stepUpdates(chunks, "generate");
    expect(updates).toContainEqual(
      expect.objectContaining({
        status: "running",
        attempt: 2,
        maxAttempts: 3,
        retryNote: expect.stringMatching(/throttled/),
      }),
    );
    // The failed attempt's text part ends; the retry streams into a new one for the same task.
    const taskId = String(updates[0]?.taskId);
    const textIds = chunks.flatMap(({ chunk }) =>
      chunk.type === "text-start" && chunk.id.startsWith(taskId) ? [chunk.id] : [],
    );
    expect(textIds).toEqual([taskId, `${taskId}~2`]);
    const stored = (await (await you.fetch(`${server.url}/api/runs/${runId}`)).json()) as {
      steps: { node: string; output: string; attempt?: number }[];
    };
    expect(stored.steps.find((step) => step.node === "generate")).toMatchObject({
      output: "Hello from Bedrock",
      attempt: 2,
    });
  });

  it("a stream error every time: three attempts, then model_error, and the failed step shows failed", async () => {
    script = () => ({
      events: textAnswer(["Half"]).slice(0, 2),
      exception: ["modelStreamErrorException", "broke"],
    });
    const { chunks } = await postRun(you, { workflow: "pitch-refiner", input: "A solar umbrella" });
    const terminal = terminalOf(chunks);
    expect(terminal).toMatchObject({ type: "error", code: "model_error", retryable: true });
    expect(terminal.errorText).toMatch(/stopped in the middle of its answer/);
    expect(bedrock.requests).toHaveLength(3);
    expect(stepsOf(chunks)).toEqual([expect.objectContaining({ node: "generate", status: "failed" })]);
  });

  it("a throttling event every time: three attempts, then rate_limited, retryable", async () => {
    script = () => ({
      events: textAnswer(["Half"]).slice(0, 2),
      exception: ["throttlingException", "Slow down"],
    });
    const { chunks } = await postRun(you, { workflow: "pitch-refiner", input: "A solar umbrella" });
    expect(terminalOf(chunks)).toMatchObject({ type: "error", code: "rate_limited", retryable: true });
    expect(bedrock.requests).toHaveLength(3);
    expect(stepsOf(chunks)).toEqual([expect.objectContaining({ node: "generate", status: "failed" })]);
  });

  it("a stall every time: each call abandoned, three attempts, then model_error, retryable", async () => {
    script = () => ({ events: textAnswer(["Slow", " start"]), delayMs: 1500 });
    const { chunks } = await postRun(you, { workflow: "pitch-refiner", input: "A solar umbrella" });
    expect(terminalOf(chunks)).toMatchObject({ type: "error", code: "model_error", retryable: true });
    expect(bedrock.requests).toHaveLength(3);
    await expect.poll(() => bedrock.requests.every((request) => request.closedEarly)).toBe(true);
    expect(stepsOf(chunks)).toEqual([expect.objectContaining({ node: "generate", status: "failed" })]);
  });

  it("a stream that stalls longer than the idle timeout is abandoned and retried", async () => {
    script = (_request, index) =>
      index === 0 ? { events: textAnswer(["Slow", " start"]), delayMs: 1500 } : undefined;
    const { chunks } = await postRun(you, { workflow: "pitch-refiner", input: "A solar umbrella" });
    expect(terminalOf(chunks).type).toBe("finish");
    expect(bedrock.requests[0]?.closedEarly).toBe(true);
    expect(stepUpdates(chunks, "generate")).toContainEqual(
      expect.objectContaining({ attempt: 2, retryNote: expect.stringMatching(/stopped sending/) }),
    );
  });
});

describe("when it gives up partway", () => {
  it("keeps the finished nodes' outputs, shows the failed node failed, and stores both", async () => {
    script = (request) =>
      request.body.system?.[0]?.text.includes("day-by-day")
        ? { status: 400, errorType: "ValidationException", message: "Input is too long" }
        : undefined;
    const { chunks, runId } = await postRun(you, {
      workflow: "trip-planner",
      input: "Four days in Oslo",
    });
    expect(terminalOf(chunks)).toMatchObject({ type: "error", code: "model_error", retryable: false });
    const byNode = Object.fromEntries(stepsOf(chunks).map((step) => [step.node, step.status]));
    expect(byNode).toEqual({ lodging: "done", activities: "done", food: "done", itinerary: "failed" });
    const stored = (await (await you.fetch(`${server.url}/api/runs/${runId}`)).json()) as {
      run: { status: string; error: { code: string } };
      steps: { node: string; status: string; output: string }[];
    };
    expect(stored.run).toMatchObject({ status: "failed", error: { code: "model_error" } });
    for (const node of ["lodging", "activities", "food"]) {
      expect(stored.steps.find((step) => step.node === node)).toMatchObject({
        status: "done",
        output: "Hello from Bedrock",
      });
    }
    expect(stored.steps.find((step) => step.node === "itinerary")).toMatchObject({ status: "failed" });
  });
});

describe("stopping", () => {
  it("aborts the in-flight ConverseStream request, and no model call follows", async () => {
    script = () => ({ events: textAnswer(Array.from({ length: 40 }, (_, i) => `w${i} `)), delayMs: 40 });
    let stopAt = 0;
    let stopping: Promise<Response> | undefined;
    const { chunks } = await postRun(
      you,
      { workflow: "pitch-refiner", input: "A solar umbrella" },
      {
        onChunk: ({ chunk }, runId) => {
          if (!stopping && chunk.type === "text-delta") {
            stopAt = Date.now();
            stopping = you.fetch(`${server.url}/api/runs/${runId}/stop`, { method: "POST" });
          }
        },
      },
    );
    expect((await stopping)?.status).toBe(200);
    expect(terminalOf(chunks).type).toBe("abort");
    expect(bedrock.requests).toHaveLength(1);
    await expect.poll(() => bedrock.requests[0]?.closedEarly, { timeout: 1000 }).toBe(true);
    expect((bedrock.requests[0]?.closedAt ?? Number.POSITIVE_INFINITY) - stopAt).toBeLessThan(1000);
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(bedrock.requests).toHaveLength(1);
  });
});

describe("tokens and cost", () => {
  it("counts each node's tokens from Bedrock's usage and prices them, per step, per run, and in the store", async () => {
    const { chunks, runId } = await postRun(you, {
      workflow: "trip-planner",
      input: "Four days in Oslo",
    });
    expect(terminalOf(chunks).type).toBe("finish");
    const steps = stepsOf(chunks);
    expect(steps).toHaveLength(4);
    for (const step of steps) {
      expect(step).toMatchObject({ usage: USAGE });
      expect(step.costUsd).toBeCloseTo(CALL_COST, 9);
    }
    const run = chunks.filter(({ chunk }) => chunk.type === "data-run").at(-1)?.chunk as {
      data: { usage: { inputTokens: number; outputTokens: number }; costUsd: number };
    };
    expect(run.data.usage).toEqual({ inputTokens: 4 * 17, outputTokens: 4 * 3 });
    expect(run.data.costUsd).toBeCloseTo(4 * CALL_COST, 9);
    const stored = (await (await you.fetch(`${server.url}/api/runs/${runId}`)).json()) as {
      run: { costUsd: number };
    };
    expect(stored.run.costUsd).toBeCloseTo(4 * CALL_COST, 9);
  });
});

describe("limits", () => {
  it("a run over its token budget ends with budget_exceeded, and no further model call", async () => {
    const budgeted = await startAppServer(env({ RUN_TOKEN_BUDGET: "30" }));
    try {
      const visitor = await TestVisitor.arrive(budgeted.url);
      const { chunks, runId } = await postRun(visitor, {
        workflow: "pitch-refiner",
        input: "A solar umbrella",
      });
      const terminal = terminalOf(chunks);
      expect(terminal).toMatchObject({ type: "error", code: "budget_exceeded", retryable: false });
      expect(terminal.errorText).toMatch(/budget of 30 tokens/);
      // generate (20 tokens) fits; evaluate brings it to 40, over the budget: nothing after it.
      expect(bedrock.requests).toHaveLength(2);
      const stored = (await (await visitor.fetch(`/api/runs/${runId}`)).json()) as {
        run: { status: string };
      };
      expect(stored.run.status).toBe("failed");
    } finally {
      await budgeted.stop();
    }
  });

  it("a run past its deadline ends with deadline_exceeded when the deadline comes", async () => {
    const hurried = await startAppServer(env({ RUN_DEADLINE_MS: "1200" }));
    script = () => ({ events: textAnswer(Array.from({ length: 60 }, (_, i) => `w${i} `)), delayMs: 50 });
    try {
      const earlier = bedrock.requests.length;
      const { chunks } = await postRun(await TestVisitor.arrive(hurried.url), {
        workflow: "pitch-refiner",
        input: "A solar umbrella",
      });
      const terminal = terminalOf(chunks);
      expect(terminal).toMatchObject({ type: "error", code: "deadline_exceeded", retryable: false });
      expect(terminal.errorText).toMatch(/1-second limit/);
      // It ends when the deadline comes, not when the run would have (60 words 50 ms apart per
      // call, several calls): after 1.2 s, during the first model call, which is cut short rather
      // than left to stream (and bill) on; no later call starts. Relative to the calls, not to a
      // wall-clock bound, so that it holds on a loaded machine.
      const at = chunks.at(-1)?.at ?? 0;
      expect(at).toBeGreaterThan(1100);
      await expect
        .poll(() => bedrock.requests.slice(earlier).map((request) => request.closedEarly))
        .toEqual([true]);
    } finally {
      await hurried.stop();
    }
  });
});
