import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type AppServer, startAppServer } from "../support/app-server";
import {
  type FakeBedrock,
  type FakeBedrockPlan,
  startFakeBedrock,
  textAnswer,
} from "../support/fake-bedrock";
import { postRun } from "../support/read-stream";
import { TestVisitor } from "../support/visitor";

const MODEL_ID = "anthropic.claude-3-5-haiku-20241022-v1:0";
let bedrock: FakeBedrock;
let server: AppServer;
/** The visitor every request of these tests comes from. */
let you: TestVisitor;
let plan: () => FakeBedrockPlan = () => ({ events: textAnswer(["Hello", " from", " Bedrock"]) });

beforeAll(async () => {
  bedrock = await startFakeBedrock(() => plan());
  server = await startAppServer({
    BEDROCK_MODEL_ID: MODEL_ID,
    BEDROCK_ENDPOINT_URL: bedrock.endpoint,
    AWS_REGION: "eu-west-1",
    AWS_ACCESS_KEY_ID: "AKIDTESTTESTTEST",
    AWS_SECRET_ACCESS_KEY: "test-secret",
    MODEL_MAX_TOKENS: "321",
  });
  you = await TestVisitor.arrive(server.url);
});
afterAll(async () => {
  await server?.stop();
  await bedrock?.close();
});
beforeEach(() => {
  plan = () => ({ events: textAnswer(["Hello", " from", " Bedrock"]) });
});

describe("the Bedrock path, against a loopback server speaking ConverseStream", () => {
  it("runs a whole workflow through the real ChatBedrockConverse", async () => {
    bedrock.requests.length = 0;
    plan = () => ({
      events: textAnswer(["Hello", " from", " Bedrock"], { inputTokens: 17, outputTokens: 3 }),
      delayMs: 20,
    });
    const { chunks } = await postRun(you, { workflow: "trip-planner", input: "Four days in Oslo" });
    expect(chunks.at(-1)?.chunk.type).toBe("finish");

    // Four nodes, four ConverseStream calls, each signed and capped.
    expect(bedrock.requests).toHaveLength(4);
    for (const request of bedrock.requests) {
      expect(request.path).toBe(`/model/${encodeURIComponent(MODEL_ID)}/converse-stream`);
      expect(request.modelId).toBe(MODEL_ID);
      expect(request.body.inferenceConfig?.maxTokens).toBe(321);
      expect(String(request.headers.authorization)).toMatch(
        /^AWS4-HMAC-SHA256 Credential=AKIDTESTTESTTEST\/\d+\/eu-west-1\/bedrock\//,
      );
    }

    const run = chunks.find(({ chunk }) => chunk.type === "data-run")?.chunk as {
      data: { model: { provider: string; id: string } };
    };
    expect(run.data.model).toMatchObject({ provider: "bedrock", id: MODEL_ID });
    const textByTask = new Map<string, string>();
    for (const { chunk } of chunks) {
      if (chunk.type === "text-delta")
        textByTask.set(chunk.id, (textByTask.get(chunk.id) ?? "") + chunk.delta);
    }
    expect([...textByTask.values()]).toEqual(Array(4).fill("Hello from Bedrock"));
    const done = chunks.flatMap(({ chunk }) =>
      chunk.type === "data-step" && (chunk.data as { status: string }).status === "done"
        ? [(chunk.data as { usage: { inputTokens: number; outputTokens: number } }).usage]
        : [],
    );
    expect(done).toHaveLength(4);
    for (const usage of done) expect(usage).toEqual({ inputTokens: 17, outputTokens: 3 });
    const result = chunks.find(({ chunk }) => chunk.type === "data-result")?.chunk as {
      data: { markdown: string };
    };
    expect(result.data.markdown).toContain("Hello from Bedrock");
  });

  it("reports a Bedrock refusal as one clear terminal error", async () => {
    plan = () => ({ status: 403, errorType: "AccessDeniedException", message: "User is not authorized" });
    const { chunks } = await postRun(you, { workflow: "pitch-refiner", input: "A solar umbrella" });
    const terminal = chunks.at(-1)?.chunk;
    expect(terminal).toMatchObject({ type: "error", code: "model_error" });
    expect(terminal && "errorText" in terminal ? terminal.errorText : "").toMatch(/denied access/);
    expect(chunks.filter(({ chunk }) => ["finish", "abort", "error"].includes(chunk.type))).toHaveLength(1);
  });
});

describe("rejected requests", () => {
  const post = (body: string, headers: Record<string, string> = { "content-type": "application/json" }) =>
    you.fetch(`${server.url}/api/runs`, { method: "POST", headers, body });

  const cases: Array<{
    name: string;
    send: () => Promise<Response>;
    status: number;
    code: string;
    mentions?: RegExp;
  }> = [
    {
      name: "wrong content type",
      send: () => post("workflow=x", { "content-type": "text/plain" }),
      status: 415,
      code: "unsupported_media_type",
    },
    {
      name: "invalid JSON",
      send: () => post("{not json"),
      status: 400,
      code: "bad_request",
      mentions: /JSON/,
    },
    {
      name: "missing input",
      send: () => post(JSON.stringify({ workflow: "trip-planner" })),
      status: 400,
      code: "bad_request",
      mentions: /task/,
    },
    {
      name: "input not a string",
      send: () => post(JSON.stringify({ workflow: "trip-planner", input: 42 })),
      status: 400,
      code: "bad_request",
      mentions: /task/,
    },
    {
      name: "unknown field",
      send: () => post(JSON.stringify({ workflow: "trip-planner", input: "x", model: "gpt" })),
      status: 400,
      code: "bad_request",
      mentions: /model/,
    },
    {
      name: "unknown workflow",
      send: () => post(JSON.stringify({ workflow: "nope", input: "x" })),
      status: 404,
      code: "not_found",
    },
    {
      name: "input over 4000 characters",
      send: () => post(JSON.stringify({ workflow: "trip-planner", input: "a".repeat(4001) })),
      status: 400,
      code: "bad_request",
      mentions: /4,000/,
    },
    {
      name: "body over 32 KB",
      send: () => post(JSON.stringify({ workflow: "trip-planner", input: "a".repeat(33 * 1024) })),
      status: 413,
      code: "payload_too_large",
    },
    {
      name: "another site's origin",
      send: () =>
        post(JSON.stringify({ workflow: "trip-planner", input: "x" }), {
          "content-type": "application/json",
          origin: "https://evil.example",
        }),
      status: 403,
      code: "forbidden_origin",
    },
  ];

  it.each(cases)("$name → $status, and no model call", async ({ send, status, code, mentions }) => {
    bedrock.requests.length = 0;
    const response = await send();
    expect(response.status).toBe(status);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe(code);
    if (mentions) expect(body.error.message).toMatch(mentions);
    // Give a wrongly started run time to reach the model before concluding it made no call.
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(bedrock.requests).toHaveLength(0);
  });

  it("stopping an unknown run is a 404", async () => {
    const response = await you.fetch(`${server.url}/api/runs/not-a-run/stop`, { method: "POST" });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { code: "not_found" } });
  });
});
