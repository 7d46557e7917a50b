import { type AIMessageChunk, HumanMessage, SystemMessage } from "@langchain/core/messages";
import { describe, expect, it } from "vitest";
import { OfflineChatModel, splitIntoTokens } from "./offline-model";
import { composeOfflineReply, type OfflineRole, offlineScore } from "./offline-replies";

const prompt = (task: string, extra = "") => [
  new SystemMessage("You are a demanding editor."),
  new HumanMessage(`Task: ${task}${extra}`),
];

const model = (role: OfflineRole, options: { tokensPerSecond?: number; maxTokens?: number } = {}) =>
  new OfflineChatModel({
    role,
    tokensPerSecond: options.tokensPerSecond ?? 0,
    maxTokens: options.maxTokens ?? 1024,
  });

interface TimedMessageChunk {
  at: number;
  chunk: AIMessageChunk;
}

async function streamAll(
  chat: OfflineChatModel,
  messages: ReturnType<typeof prompt>,
  signal?: AbortSignal,
): Promise<TimedMessageChunk[]> {
  const startedAt = performance.now();
  const chunks: TimedMessageChunk[] = [];
  for await (const chunk of await chat.stream(messages, { signal })) {
    chunks.push({ at: performance.now() - startedAt, chunk });
  }
  return chunks;
}

const textOf = (chunk: AIMessageChunk) => (typeof chunk.content === "string" ? chunk.content : chunk.text);

describe("splitIntoTokens", () => {
  it("keeps leading whitespace so joining the tokens gives the text back", () => {
    const text = "# Title\n\n- one  two\tthree\n\nend. ";
    const tokens = splitIntoTokens(text);
    expect(tokens.join("")).toBe(text);
    expect(tokens.slice(0, 3)).toEqual(["#", " Title", "\n\n-"]);
    expect(splitIntoTokens("")).toEqual([]);
  });
});

describe("OfflineChatModel", () => {
  it("replies the same way to the same prompt, and differently to another task", async () => {
    const chat = model("evaluate");
    const first = await chat.invoke(prompt("A solar phone charger", "\nAttempt: 1"));
    const again = await chat.invoke(prompt("A solar phone charger", "\nAttempt: 1"));
    expect(again.text).toBe(first.text);
    expect(first.text).toBe(
      composeOfflineReply("evaluate", [
        "You are a demanding editor.",
        "Task: A solar phone charger\nAttempt: 1",
      ]),
    );
    expect(first.text).toContain(`SCORE: ${offlineScore("A solar phone charger", 1)}/10`);

    const other = await model("outline").invoke(prompt("Why teams should write less code"));
    expect(other.text).toContain("# Outline: Why Teams Should Write Less Code");
    expect(other.text).not.toBe(first.text);
  });

  it("streams the reply token by token and closes with the usage", async () => {
    const messages = prompt("Three days in Kyoto");
    const chunks = await streamAll(model("itinerary"), messages);
    const texts = chunks.map(({ chunk }) => textOf(chunk)).filter((text) => text.length > 0);
    const expected = composeOfflineReply(
      "itinerary",
      messages.map((message) => message.text),
    );
    expect(texts.join("")).toBe(expected);
    expect(texts).toEqual(splitIntoTokens(expected));
    expect(texts.length).toBeGreaterThan(10);

    const last = chunks.at(-1)?.chunk;
    expect(last && textOf(last)).toBe("");
    expect(last?.usage_metadata?.output_tokens).toBe(texts.length);
    const inputTokens = messages.reduce((sum, message) => sum + splitIntoTokens(message.text).length, 0);
    expect(last?.usage_metadata).toEqual({
      input_tokens: inputTokens,
      output_tokens: texts.length,
      total_tokens: inputTokens + texts.length,
    });
    expect(last?.response_metadata.stopReason).toBe("end_turn");
    // Only the closing chunk carries usage, so summing chunks counts every token once.
    expect(chunks.slice(0, -1).every(({ chunk }) => chunk.usage_metadata === undefined)).toBe(true);
  });

  it("cuts the reply at maxTokens, as a real model does", async () => {
    const messages = prompt("Three days in Kyoto");
    const chunks = await streamAll(model("itinerary", { maxTokens: 5 }), messages);
    const texts = chunks.map(({ chunk }) => textOf(chunk)).filter((text) => text.length > 0);
    expect(texts).toEqual(
      splitIntoTokens(
        composeOfflineReply(
          "itinerary",
          messages.map((m) => m.text),
        ),
      ).slice(0, 5),
    );
    const last = chunks.at(-1)?.chunk;
    expect(last?.usage_metadata?.output_tokens).toBe(5);
    expect(last?.response_metadata.stopReason).toBe("max_tokens");

    const whole = await model("itinerary", { maxTokens: 5 }).invoke(messages);
    expect(whole.text).toBe(texts.join(""));
  });

  it("spreads the tokens over time at its token rate", async () => {
    const chunks = await streamAll(
      model("lodging", { tokensPerSecond: 100, maxTokens: 20 }),
      prompt("Porto"),
    );
    const texts = chunks.filter(({ chunk }) => textOf(chunk).length > 0);
    expect(texts).toHaveLength(20);
    const first = texts[0]?.at ?? 0;
    const last = texts.at(-1)?.at ?? 0;
    // 20 tokens at 100/s: the first after ~10 ms, the last after ~200 ms.
    expect(first).toBeLessThan(100);
    expect(last - first).toBeGreaterThan(120);
    expect(last).toBeLessThan(2000);
    // Arrivals are spread out, not bunched at the end.
    const inFirstHalf = texts.filter(({ at }) => at < first + (last - first) / 2).length;
    expect(inFirstHalf).toBeGreaterThan(5);
  });

  it("stops promptly when its signal aborts mid-stream", async () => {
    const controller = new AbortController();
    const chat = model("draft", { tokensPerSecond: 2 });
    const received: string[] = [];
    let abortedAt = 0;
    const streaming = (async () => {
      for await (const chunk of await chat.stream(prompt("Measure before you build"), {
        signal: controller.signal,
      })) {
        received.push(textOf(chunk));
        if (received.length === 1) {
          abortedAt = performance.now();
          controller.abort(new Error("stopped by the test"));
        }
      }
    })();
    await expect(streaming).rejects.toThrow();
    // The next token was due 500 ms later; the stop does not wait for it.
    expect(performance.now() - abortedAt).toBeLessThan(250);
    expect(received).toHaveLength(1);
  });

  it("cuts its own pause short on abort, not only the caller's wait", async () => {
    // LangChain's stream() also races the signal, so this reads the model's own generator.
    const controller = new AbortController();
    const chat = model("draft", { tokensPerSecond: 2 });
    const reason = new Error("stopped by the test");
    const options = { signal: controller.signal } as OfflineChatModel["ParsedCallOptions"];
    const chunks = chat._streamResponseChunks(prompt("Measure before you build"), options);
    const first = await chunks.next();
    expect(first.value?.text).toBe("#");
    const startedAt = performance.now();
    const second = chunks.next();
    setTimeout(() => controller.abort(reason), 20);
    await expect(second).rejects.toBe(reason);
    expect(performance.now() - startedAt).toBeLessThan(250);
  });

  it("writes nothing for an already aborted signal", async () => {
    const chunks: string[] = [];
    const attempt = (async () => {
      for await (const chunk of await model("draft").stream(prompt("anything"), {
        signal: AbortSignal.abort(),
      })) {
        chunks.push(textOf(chunk));
      }
    })();
    await expect(attempt).rejects.toThrow();
    expect(chunks).toEqual([]);
  });

  it("rejects invoke() promptly when aborted", async () => {
    const controller = new AbortController();
    const startedAt = performance.now();
    const invoking = model("draft", { tokensPerSecond: 5 }).invoke(prompt("Measure before you build"), {
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 50);
    await expect(invoking).rejects.toThrow();
    // The whole reply would take many seconds at 5 tokens/s.
    expect(performance.now() - startedAt).toBeLessThan(500);
  });
});
