import { AIMessage, HumanMessage } from "@langchain/core/messages";
import { describe, expect, it } from "vitest";
import { renderStepInput, STEP_INPUT_LIMITS } from "./step-input";

describe("renderStepInput", () => {
  it("shows a small state as indented JSON", () => {
    expect(renderStepInput({ topic: "Lisbon", days: 2, draft: null })).toBe(
      '{\n  "topic": "Lisbon",\n  "days": 2,\n  "draft": null\n}',
    );
  });

  it("has nothing to show for an empty or missing input", () => {
    expect(renderStepInput(undefined)).toBeUndefined();
    expect(renderStepInput({})).toBeUndefined();
  });

  it("cuts a long string and says how much is left out", () => {
    const text = renderStepInput({ draft: "x".repeat(1000) }) ?? "";
    expect(text).toContain(`${"x".repeat(STEP_INPUT_LIMITS.stringChars)}… (720 more characters)`);
    expect(text).not.toContain("x".repeat(STEP_INPUT_LIMITS.stringChars + 1));
  });

  it("shows the first items of a long list and the first fields of a wide object", () => {
    const list = renderStepInput({ sources: Array.from({ length: 20 }, (_, index) => index) }) ?? "";
    expect(list).toContain("7");
    expect(list).not.toMatch(/\b8,/);
    expect(list).toContain("… (12 more items)");
    const wide = Object.fromEntries(Array.from({ length: 30 }, (_, index) => [`f${index}`, index]));
    const object = renderStepInput(wide) ?? "";
    expect(object).toContain('"f23": 23');
    expect(object).not.toContain('"f24"');
    expect(object).toContain("… (6 more fields)");
  });

  it("stops at the depth limit", () => {
    const text = renderStepInput({ a: { b: { c: { d: { e: 1 } } } } }) ?? "";
    expect(text).toContain('"d": {…}');
    expect(text).not.toContain('"e"');
  });

  it("keeps the whole rendering within its budget", () => {
    const state = Object.fromEntries(
      Array.from({ length: 20 }, (_, index) => [`s${index}`, "y".repeat(400)]),
    );
    const text = renderStepInput(state) ?? "";
    expect(text.length).toBeLessThan(STEP_INPUT_LIMITS.totalChars + 40);
    expect(text).toMatch(/\n… \([\d,]+ more characters\)$/);
  });

  it("stops rendering a huge state early, not after building all of it", () => {
    // 24 fields, 4 levels deep, each leaf 300 characters: 100 MB if it were all rendered.
    let wide: unknown = "z".repeat(300);
    for (let level = 0; level < 4; level++) {
      const child = wide;
      wide = Object.fromEntries(Array.from({ length: 24 }, (_, index) => [`k${index}`, child]));
    }
    const started = performance.now();
    const text = renderStepInput(wide) ?? "";
    expect(performance.now() - started).toBeLessThan(500);
    expect(text.length).toBeLessThan(STEP_INPUT_LIMITS.totalChars + 40);
  });

  it("shows LangChain messages as role and content, with their tool calls", () => {
    const text =
      renderStepInput({
        messages: [
          new HumanMessage("What is the weather in Porto?"),
          new AIMessage({
            content: "",
            tool_calls: [{ id: "call-1", name: "weather", args: { city: "Porto" } }],
          }),
        ],
      }) ?? "";
    expect(text).toContain('"user": "What is the weather in Porto?"');
    expect(text).toContain('"assistant": ""');
    expect(text).toContain('"weather({\\"city\\":\\"Porto\\"})"');
    expect(text).not.toContain("call-1");
    expect(text).not.toContain("lc_kwargs");
  });

  it("reads a serialized LangChain message too", () => {
    const serialized = JSON.parse(JSON.stringify(new HumanMessage("hello")));
    expect(renderStepInput({ messages: [serialized] })).toContain('"user": "hello"');
  });

  it("survives a circular state", () => {
    const state: Record<string, unknown> = { name: "loop" };
    state.self = state;
    expect(renderStepInput(state)).toContain('"self": "(circular)"');
  });
});
