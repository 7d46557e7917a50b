import { readUIMessageStream, type UIMessageChunk } from "ai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunUIMessage, taskIdOfPart } from "@/lib/runs/contract";
import { type AppServer, startAppServer } from "../support/app-server";
import { type ConverseEvent, type FakeBedrock, startFakeBedrock, textAnswer } from "../support/fake-bedrock";
import { postRun } from "../support/read-stream";
import { TestVisitor } from "../support/visitor";

/**
 * The tool agent through the whole app: each tool call streams as the AI SDK's tool parts (input
 * streaming, input available, output or error), tied to the step whose model made it, parsed by
 * the AI SDK's own reader into the parts the browser renders; on the offline model and through the
 * real ChatBedrockConverse against a loopback server streaming `toolUse` blocks in pieces.
 */
type DynamicTool = Extract<RunUIMessage["parts"][number], { type: "dynamic-tool" }>;

/** The message the browser's `useChat` would build from the chunks. */
async function messageOf(chunks: UIMessageChunk[]): Promise<RunUIMessage | undefined> {
  let last: RunUIMessage | undefined;
  const stream = new ReadableStream<UIMessageChunk>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
  for await (const message of readUIMessageStream<RunUIMessage>({ stream })) last = message;
  return last;
}

const toolParts = (message: RunUIMessage | undefined) =>
  (message?.parts ?? []).filter((part): part is DynamicTool => part.type === "dynamic-tool");

const stepOf = (message: RunUIMessage | undefined, taskId: string | undefined) =>
  message?.parts.find((part) => part.type === "data-step" && part.data.taskId === taskId);

describe("the tool agent on the offline model", () => {
  let app: AppServer;
  let you: TestVisitor;
  beforeAll(async () => {
    app = await startAppServer({ OFFLINE_TOKENS_PER_SECOND: "400" });
    you = await TestVisitor.arrive(app.url);
  });
  afterAll(async () => {
    await app?.stop();
  });

  it("streams each call's input in pieces, then its result or its error, and recovers from the error", async () => {
    const { chunks } = await postRun(you, {
      workflow: "tool-agent",
      input: "What is 10 / 0 + 5, and how many days are there between 2026-03-01 and 2026-12-25?",
    });
    const types = chunks.map(({ chunk }) => chunk.type);
    // A call's input arrives in pieces before the call is whole, and its result after.
    const firstStart = types.indexOf("tool-input-start");
    expect(types.indexOf("tool-input-delta")).toBeGreaterThan(firstStart);
    expect(types.filter((type) => type === "tool-input-delta").length).toBeGreaterThan(4);
    expect(types.indexOf("tool-output-available")).toBeGreaterThan(types.indexOf("tool-input-available"));

    const message = await messageOf(chunks.map(({ chunk }) => chunk as UIMessageChunk));
    const calls = toolParts(message);
    expect(calls.map((call) => [call.toolName, call.state])).toEqual([
      ["calculator", "output-error"],
      ["date_math", "output-available"],
      ["calculator", "output-available"],
    ]);
    expect(calls[0]).toMatchObject({ input: { expression: "10 / 0 + 5" }, errorText: "Division by zero" });
    expect(calls[1]?.output).toBe("From 2026-03-01 to 2026-12-25: 299 days (42 weeks and 5 days)");
    expect(calls[2]).toMatchObject({ input: { expression: "10 + 5" }, output: "10 + 5 = 15" });
    // Each call is tied to the agent step whose model made it.
    for (const call of calls) {
      const step = stepOf(message, taskIdOfPart(call));
      expect(step?.type === "data-step" && step.data.node).toBe("agent");
    }
    // The failed call did not fail the run: the agent answered from the results.
    expect(types.at(-1)).toBe("finish");
    const result = message?.parts.find((part) => part.type === "data-result");
    expect(result?.type === "data-result" && result.data.markdown).toContain("299 days");
  });
});

describe("the tool agent on Bedrock, through the real ChatBedrockConverse", () => {
  let bedrock: FakeBedrock;
  let app: AppServer;
  let you: TestVisitor;
  /** The tool turn the loopback server streams first: a toolUse block whose input comes in pieces. */
  const toolTurn = (name: string, pieces: string[]): ConverseEvent[] => [
    ["messageStart", { role: "assistant" }],
    ["contentBlockDelta", { contentBlockIndex: 0, delta: { text: "Let me work that out." } }],
    ["contentBlockStop", { contentBlockIndex: 0 }],
    ["contentBlockStart", { contentBlockIndex: 1, start: { toolUse: { toolUseId: "tooluse_1", name } } }],
    ...pieces.map(
      (input): ConverseEvent => [
        "contentBlockDelta",
        { contentBlockIndex: 1, delta: { toolUse: { input } } },
      ],
    ),
    ["contentBlockStop", { contentBlockIndex: 1 }],
    ["messageStop", { stopReason: "tool_use" }],
    [
      "metadata",
      { usage: { inputTokens: 50, outputTokens: 20, totalTokens: 70 }, metrics: { latencyMs: 3 } },
    ],
  ];
  let turn: ConverseEvent[] = [];

  beforeAll(async () => {
    bedrock = await startFakeBedrock((request) => {
      const answered = JSON.stringify(request.body).includes('"toolResult"');
      return { events: answered ? textAnswer(["The", " tools", " have", " spoken."]) : turn, delayMs: 5 };
    });
    app = await startAppServer({
      BEDROCK_MODEL_ID: "anthropic.claude-3-5-haiku-20241022-v1:0",
      BEDROCK_ENDPOINT_URL: bedrock.endpoint,
      AWS_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: "AKIDTESTTESTTEST",
      AWS_SECRET_ACCESS_KEY: "test-secret",
    });
    you = await TestVisitor.arrive(app.url);
  });
  afterAll(async () => {
    await app?.stop();
    await bedrock?.close();
  });

  it("streams the toolUse block's pieces as the call's input, runs the tool, and sends its result back", async () => {
    turn = toolTurn("calculator", ['{"expr', 'ession": "12', ' * (3 + 4)"}']);
    const before = bedrock.requests.length;
    const { chunks } = await postRun(you, { workflow: "tool-agent", input: "Twelve times seven?" });
    const deltas = chunks.flatMap(({ chunk }) =>
      chunk.type === "tool-input-delta" ? [chunk.inputTextDelta] : [],
    );
    expect(deltas).toEqual(['{"expr', 'ession": "12', ' * (3 + 4)"}']);
    const message = await messageOf(chunks.map(({ chunk }) => chunk as UIMessageChunk));
    expect(toolParts(message).map((call) => [call.toolName, call.state, call.output])).toEqual([
      ["calculator", "output-available", "12 * (3 + 4) = 84"],
    ]);
    // The second request carries the tool's real result for that toolUseId.
    const second = JSON.stringify(bedrock.requests[before + 1]?.body);
    expect(second).toContain('"toolUseId":"tooluse_1"');
    expect(second).toContain("12 * (3 + 4) = 84");
    const result = message?.parts.find((part) => part.type === "data-result");
    expect(result?.type === "data-result" && result.data.markdown).toBe("The tools have spoken.");
    // Usage from Bedrock's metadata is counted on the step.
    const agent = message?.parts.find((part) => part.type === "data-step" && part.data.node === "agent");
    expect(agent?.type === "data-step" && agent.data.usage?.inputTokens).toBeGreaterThan(0);
  });

  it("shows a tool that throws as a failed call, tells Bedrock the error, and the run goes on", async () => {
    turn = toolTurn("calculator", ['{"expression"', ': "1 / 0"}']);
    const before = bedrock.requests.length;
    const { chunks } = await postRun(you, { workflow: "tool-agent", input: "One divided by zero?" });
    const message = await messageOf(chunks.map(({ chunk }) => chunk as UIMessageChunk));
    expect(toolParts(message).map((call) => [call.state, call.errorText])).toEqual([
      ["output-error", "Division by zero"],
    ]);
    expect(JSON.stringify(bedrock.requests[before + 1]?.body)).toContain("Division by zero");
    expect(chunks.at(-1)?.chunk.type).toBe("finish");
  });
});
