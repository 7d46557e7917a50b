import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createModelFactory } from "@/lib/models/factory";
import {
  type ConverseEvent,
  type FakeBedrock,
  startFakeBedrock,
  textAnswer,
} from "@/tests/support/fake-bedrock";
import { runToolAgent, toolCallPieces, toolResults } from "./tool-agent.test-support";
import { calculator } from "./tools/calculator";

describe("tool agent, on Bedrock (ChatBedrockConverse against the loopback ConverseStream server)", () => {
  let bedrock: FakeBedrock | undefined;

  beforeEach(() => {
    vi.stubEnv("AWS_ACCESS_KEY_ID", "AKIDTESTTESTTEST");
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", "test-secret");
  });

  afterEach(async () => {
    await bedrock?.close();
    bedrock = undefined;
    vi.unstubAllEnvs();
  });

  /** A tool turn as Bedrock streams it: the toolUse block opens, its input arrives in pieces. */
  const toolUseTurn = (toolUseId: string, name: string, inputPieces: string[]): ConverseEvent[] => [
    ["messageStart", { role: "assistant" }],
    ["contentBlockStart", { contentBlockIndex: 0, start: { toolUse: { toolUseId, name } } }],
    ...inputPieces.map(
      (input): ConverseEvent => [
        "contentBlockDelta",
        { contentBlockIndex: 0, delta: { toolUse: { input } } },
      ],
    ),
    ["contentBlockStop", { contentBlockIndex: 0 }],
    ["messageStop", { stopReason: "tool_use" }],
    [
      "metadata",
      { usage: { inputTokens: 40, outputTokens: 12, totalTokens: 52 }, metrics: { latencyMs: 4 } },
    ],
  ];

  interface ConverseBody {
    messages: Array<{ role: string; content: Array<Record<string, unknown>> }>;
    toolConfig?: { tools: Array<{ toolSpec: { name: string } }> };
  }

  async function runOnBedrock(toolTurn: ConverseEvent[], answer: string[]) {
    bedrock = await startFakeBedrock((request) => {
      const body = request.body as unknown as ConverseBody;
      const answered = body.messages.some((message) =>
        message.content.some((block) => "toolResult" in block),
      );
      return { events: answered ? textAnswer(answer) : toolTurn, delayMs: 2 };
    });
    const models = await createModelFactory({
      MODEL_PROVIDER: "bedrock",
      BEDROCK_MODEL_ID: "anthropic.claude-test",
      AWS_REGION: "us-east-1",
      BEDROCK_ENDPOINT_URL: bedrock.endpoint,
      MODEL_MAX_TOKENS: 512,
      OFFLINE_TOKENS_PER_SECOND: 0,
    });
    const run = await runToolAgent(models, "What is (1250 * 12) / 7?");
    const bodies = bedrock.requests.map((request) => request.body as unknown as ConverseBody);
    return { run, bodies };
  }

  it("streams the toolUse input in pieces, sends the tool's real output back, and answers with the second reply", async () => {
    const { run, bodies } = await runOnBedrock(
      toolUseTurn("tooluse_calc_1", "calculator", ['{"expre', 'ssion": "(1250 ', '* 12) / 7"}']),
      ["It is ", "2142.86 ", "(rounded)."],
    );
    expect(run.nodes).toEqual(["agent", "tools", "agent"]);
    expect(bodies).toHaveLength(2);
    expect(bodies[0]?.toolConfig?.tools.map((spec) => spec.toolSpec.name)).toEqual([
      "calculator",
      "date_math",
      "search_docs",
    ]);

    const pieces = toolCallPieces(run);
    expect(pieces.map(({ piece }) => piece.args ?? "")).toEqual([
      "",
      '{"expre',
      'ssion": "(1250 ',
      '* 12) / 7"}',
    ]);
    expect(pieces[0]?.piece).toMatchObject({ id: "tooluse_calc_1", name: "calculator" });
    expect(new Set(pieces.map(({ meta }) => meta.langgraph_checkpoint_ns))).toEqual(
      new Set([run.agentTaskKeys[0]]),
    );

    const output = await calculator.invoke({ expression: "(1250 * 12) / 7" });
    expect(
      toolResults(run).map((message) => [message.tool_call_id, message.status, message.content]),
    ).toEqual([["tooluse_calc_1", "success", output]]);
    const second = bodies[1]?.messages ?? [];
    expect(second.at(-2)?.content).toContainEqual({
      toolUse: { toolUseId: "tooluse_calc_1", name: "calculator", input: { expression: "(1250 * 12) / 7" } },
    });
    expect(second.at(-1)).toEqual({
      role: "user",
      content: [{ toolResult: { toolUseId: "tooluse_calc_1", content: [{ text: output }] } }],
    });
    expect(run.answer).toBe("It is 2142.86 (rounded).");
  });

  it("sends a throwing tool's error back as the toolResult, and still answers", async () => {
    const { run, bodies } = await runOnBedrock(
      toolUseTurn("tooluse_calc_2", "calculator", ['{"expression"', ': "1250 / 0"}']),
      ["Dividing by zero ", "has no answer."],
    );
    const [result] = toolResults(run);
    expect(result).toMatchObject({ tool_call_id: "tooluse_calc_2", status: "error" });
    expect(bodies[1]?.messages.at(-1)).toEqual({
      role: "user",
      content: [
        {
          toolResult: {
            toolUseId: "tooluse_calc_2",
            content: [{ text: "Error: Division by zero\n Please fix your mistakes." }],
          },
        },
      ],
    });
    expect(run.answer).toBe("Dividing by zero has no answer.");
  });
});
