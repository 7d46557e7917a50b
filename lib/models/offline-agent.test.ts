import { BaseCallbackHandler } from "@langchain/core/callbacks/base";
import {
  AIMessage,
  type AIMessageChunk,
  type BaseMessage,
  HumanMessage,
  SystemMessage,
  ToolMessage,
} from "@langchain/core/messages";
import type { ChatGenerationChunk } from "@langchain/core/outputs";
import { tool } from "@langchain/core/tools";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { OfflineChatModel, splitIntoTokens } from "./offline-model";
import { composeOfflineReply } from "./offline-replies";
import { offlineToolCallsFor } from "./offline-tools";

// Stand-ins with the real tools' names: the model only reads a bound tool's name.
const stub = (name: string) =>
  tool(() => "", { name, description: `the ${name} tool`, schema: z.object({ input: z.string() }) });
const tools = [stub("calculator"), stub("date_math"), stub("search_docs")];
const allNames = tools.map((t) => t.name);

const agent = (tokensPerSecond = 0) =>
  new OfflineChatModel({ role: "agent", tokensPerSecond, maxTokens: 1024 });
const conversation = (task: string, ...rest: BaseMessage[]) => [
  new SystemMessage("You are a careful assistant with tools."),
  new HumanMessage(task),
  ...rest,
];
const textOf = (chunk: AIMessageChunk) => (typeof chunk.content === "string" ? chunk.content : chunk.text);

describe("OfflineChatModel as an agent", () => {
  it("binds tools into its call options, as providers do", () => {
    const bound = agent().bindTools(tools, { tool_choice: "auto" });
    const config = (bound as unknown as { config: Record<string, unknown> }).config;
    expect(config.tool_choice).toBe("auto");
    expect(config.tools).toEqual(
      tools.map((t) =>
        expect.objectContaining({ type: "function", function: expect.objectContaining({ name: t.name }) }),
      ),
    );
  });

  it("streams each tool call in pieces: id and name first, then the arguments", async () => {
    const chunks: AIMessageChunk[] = [];
    const task = "What is 2^10 - 24, which weekday is 2026-03-14, and how does stepstream stream tokens?";
    for await (const chunk of await agent().bindTools(tools).stream(conversation(task))) chunks.push(chunk);

    const pieces = chunks.flatMap((chunk) => chunk.tool_call_chunks ?? []);
    const expected = offlineToolCallsFor(task, allNames);
    for (const [index, call] of expected.entries()) {
      const [head, ...args] = pieces.filter((piece) => piece.index === index);
      expect(head).toEqual({
        type: "tool_call_chunk",
        id: `call_1_${index}`,
        name: call.name,
        args: "",
        index,
      });
      expect(args.length).toBeGreaterThanOrEqual(2);
      expect(args.every((piece) => piece.id === undefined && piece.name === undefined)).toBe(true);
      expect(JSON.parse(args.map((piece) => piece.args).join(""))).toEqual(call.args);
    }
    // One piece per chunk, in order: a whole call before the next begins.
    expect(chunks.slice(0, -1).every((chunk) => chunk.tool_call_chunks?.length === 1)).toBe(true);
    expect(pieces.map((piece) => piece.index)).toEqual([...pieces.map((piece) => piece.index)].sort());
    expect(chunks.every((chunk) => textOf(chunk) === "")).toBe(true);

    const whole = chunks.reduce((sum, chunk) => sum.concat(chunk));
    expect(whole.tool_calls).toEqual(
      expected.map((call, index) => ({ ...call, id: `call_1_${index}`, type: "tool_call" })),
    );
    const last = chunks.at(-1);
    expect(last?.usage_metadata?.output_tokens).toBe(pieces.length);
    expect(last?.response_metadata.stopReason).toBe("tool_use");
  });

  it("hands every tool-call chunk to the token callback, so LangGraph's messages mode sees it", async () => {
    const seen: ChatGenerationChunk[] = [];
    const handler = BaseCallbackHandler.fromMethods({
      handleLLMNewToken(_token, _idx, _runId, _parentRunId, _tags, fields) {
        if (fields?.chunk) seen.push(fields.chunk as ChatGenerationChunk);
      },
    });
    const reply = await agent()
      .bindTools(tools)
      .invoke(conversation("What is 6 * 7?"), { callbacks: [handler] });
    expect(reply.tool_calls).toEqual([
      { id: "call_1_0", name: "calculator", args: { expression: "6 * 7" }, type: "tool_call" },
    ]);
    const pieces = seen.flatMap((chunk) => (chunk.message as AIMessageChunk).tool_call_chunks ?? []);
    expect(pieces[0]).toMatchObject({ id: "call_1_0", name: "calculator", args: "" });
    expect(
      pieces
        .slice(1)
        .map((piece) => piece.args)
        .join(""),
    ).toBe('{"expression":"6 * 7"}');
  });

  it("paces tool-call pieces at its token rate", async () => {
    const arrivals: number[] = [];
    const startedAt = performance.now();
    const task = "How many days are there between 2026-03-01 and 2026-12-25?";
    for await (const chunk of await agent(100).bindTools(tools).stream(conversation(task))) {
      if (chunk.tool_call_chunks?.length) arrivals.push(performance.now() - startedAt);
    }
    // 1 + ceil(73 / 12) = 8 pieces at 100/s, each due ~10 ms after the one before. A late timer
    // only delays pieces, so on a loaded machine the last can come late but never early: the
    // pieces are paced at the rate, not sent at once, and they come one by one.
    expect(arrivals.length).toBeGreaterThanOrEqual(5);
    expect(arrivals.at(-1) ?? 0).toBeGreaterThanOrEqual((arrivals.length - 1) * 9);
    expect(new Set(arrivals).size).toBe(arrivals.length);
  });

  it("answers from the tool results in streamed text, with usage", async () => {
    const call = { id: "call_1_0", name: "calculator", args: { expression: "6 * 7" } };
    const messages = conversation(
      "What is 6 * 7?",
      new AIMessage({ content: "", tool_calls: [call] }),
      new ToolMessage({
        tool_call_id: "call_1_0",
        name: "calculator",
        status: "success",
        content: "6 * 7 = 42",
      }),
    );
    const chunks: AIMessageChunk[] = [];
    for await (const chunk of await agent().bindTools(tools).stream(messages)) chunks.push(chunk);
    const texts = chunks.map(textOf).filter(Boolean);
    const answer = texts.join("");
    expect(answer).toBe(
      [
        'Here is what my tools found for "What is 6 * 7?":',
        "- **calculator**: 6 * 7 = 42",
        "Every figure above is the tools' own result, not my estimate.",
      ].join("\n\n"),
    );
    expect(texts).toEqual(splitIntoTokens(answer));
    expect(chunks.every((chunk) => !chunk.tool_call_chunks?.length)).toBe(true);
    expect(chunks.at(-1)?.usage_metadata?.output_tokens).toBe(texts.length);
    expect(chunks.at(-1)?.response_metadata.stopReason).toBe("end_turn");
  });

  it("quotes the headings a docs search found", async () => {
    const call = { id: "call_1_0", name: "search_docs", args: { query: "how does stepstream stream" } };
    const content =
      "[1] docs/stream-contract.md — The run stream\nEvents flow.\n\n[2] docs/testing.md — Tests\nTests run.";
    const reply = await agent()
      .bindTools(tools)
      .invoke(
        conversation(
          "How does stepstream stream?",
          new AIMessage({ content: "", tool_calls: [call] }),
          new ToolMessage({ tool_call_id: "call_1_0", name: "search_docs", content }),
        ),
      );
    expect(reply.text).toContain(
      '- **search_docs**: the docs answer this in **docs/stream-contract.md — The run stream**, **docs/testing.md — Tests**. The first says: "Events flow."',
    );
  });

  it("stops promptly when aborted in the middle of a tool call", async () => {
    const controller = new AbortController();
    const received: AIMessageChunk[] = [];
    const streaming = (async () => {
      for await (const chunk of await agent(5)
        .bindTools(tools)
        .stream(conversation("What is 6 * 7?"), { signal: controller.signal })) {
        received.push(chunk);
        controller.abort(new Error("stopped by the test"));
      }
    })();
    const startedAt = performance.now();
    await expect(streaming).rejects.toThrow();
    expect(received).toHaveLength(1);
    expect(performance.now() - startedAt).toBeLessThan(400);
  });

  it("leaves the other roles as they were, tools bound or not", async () => {
    const messages = [new SystemMessage("You plan trips."), new HumanMessage("Task: Two days in Porto")];
    const model = new OfflineChatModel({ role: "itinerary", tokensPerSecond: 0, maxTokens: 1024 });
    const plain = await model.invoke(messages);
    const withTools = await model.bindTools(tools).invoke(messages);
    expect(withTools.text).toBe(plain.text);
    expect(withTools.tool_calls).toEqual([]);
    expect(plain.text).toBe(
      composeOfflineReply(
        "itinerary",
        messages.map((message) => message.text),
      ),
    );
  });
});
