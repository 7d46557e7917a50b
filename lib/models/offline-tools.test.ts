import {
  AIMessage,
  type BaseMessage,
  HumanMessage,
  SystemMessage,
  ToolMessage,
} from "@langchain/core/messages";
import { describe, expect, it } from "vitest";
import { composeOfflineReply } from "./offline-replies";
import { MAX_OFFLINE_TOOL_ROUNDS, offlineToolCallsFor, planOfflineAgentTurn } from "./offline-tools";

const allNames = ["calculator", "date_math", "search_docs"];
const conversation = (task: string, ...rest: BaseMessage[]) => [
  new SystemMessage("You are a careful assistant with tools."),
  new HumanMessage(task),
  ...rest,
];

describe("offlineToolCallsFor", () => {
  it.each([
    ["What is (1250 * 12) / 7?", [{ name: "calculator", args: { expression: "(1250 * 12) / 7" } }]],
    [
      "Add 2 + 2 and 3 * (4 - 1), then 2 + 2 again",
      [
        { name: "calculator", args: { expression: "2 + 2" } },
        { name: "calculator", args: { expression: "3 * (4 - 1)" } },
      ],
    ],
    [
      "How many days are there between 2026-03-01 and 2026-12-25?",
      [
        {
          name: "date_math",
          args: { operation: "days_between", date: "2026-03-01", other_date: "2026-12-25" },
        },
      ],
    ],
    [
      "What date is 3 weeks after 2026-03-01?",
      [{ name: "date_math", args: { operation: "add", date: "2026-03-01", amount: 3, unit: "weeks" } }],
    ],
    [
      "What was the date 10 days before 2026-03-01?",
      [{ name: "date_math", args: { operation: "subtract", date: "2026-03-01", amount: 10, unit: "days" } }],
    ],
    [
      "Which weekday is 2026-03-14?",
      [{ name: "date_math", args: { operation: "weekday", date: "2026-03-14" } }],
    ],
    [
      "How does stepstream retry Bedrock throttling?",
      [{ name: "search_docs", args: { query: "How does stepstream retry Bedrock throttling" } }],
    ],
    ["Tell me about deploying", [{ name: "search_docs", args: { query: "Tell me about deploying" } }]],
    [
      "What is 2^10 - 24, which weekday is 2026-03-14, and how does stepstream stream tokens?",
      [
        { name: "calculator", args: { expression: "2^10 - 24" } },
        { name: "date_math", args: { operation: "weekday", date: "2026-03-14" } },
        { name: "search_docs", args: { query: "how does stepstream stream tokens" } },
      ],
    ],
    ["What is 10 / 0 + 5?", [{ name: "calculator", args: { expression: "10 / 0 + 5" } }]],
  ])("%s", (task, calls) => {
    expect(offlineToolCallsFor(task, allNames)).toEqual(calls);
  });

  it("calls only the tools it was given", () => {
    expect(offlineToolCallsFor("What is 2 + 2 on 2026-03-14?", ["date_math"])).toEqual([
      { name: "date_math", args: { operation: "weekday", date: "2026-03-14" } },
    ]);
  });
});

describe("planOfflineAgentTurn", () => {
  const failed = (id: string, expression: string) => [
    new AIMessage({ content: "", tool_calls: [{ id, name: "calculator", args: { expression } }] }),
    new ToolMessage({
      tool_call_id: id,
      name: "calculator",
      status: "error",
      content: "Error: Division by zero\n Please fix your mistakes.",
    }),
  ];

  it("numbers its first calls by round and position", () => {
    const turn = planOfflineAgentTurn(conversation("What is 2 + 2 on 2026-03-14?"), allNames);
    expect(turn).toEqual({
      kind: "tool-calls",
      calls: [
        { id: "call_1_0", name: "calculator", args: { expression: "2 + 2" } },
        { id: "call_1_1", name: "date_math", args: { operation: "weekday", date: "2026-03-14" } },
      ],
    });
  });

  it("retries a division by zero once without it, then answers", () => {
    const first = conversation("What is 10 / 0 + 5?", ...failed("call_1_0", "10 / 0 + 5"));
    expect(planOfflineAgentTurn(first, allNames)).toEqual({
      kind: "tool-calls",
      calls: [{ id: "call_1_0_retry", name: "calculator", args: { expression: "10 + 5" } }],
    });
    const second = [...first, ...failed("call_1_0_retry", "10 + 5")];
    const turn = planOfflineAgentTurn(second, allNames);
    expect(turn.kind).toBe("answer");
  });

  it("explains an error it cannot correct", () => {
    const turn = planOfflineAgentTurn(
      conversation("What is (4 + 4) / (2 - 2)?", ...failed("call_1_0", "(4 + 4) / (2 - 2)")),
      allNames,
    );
    expect(turn).toEqual({
      kind: "answer",
      text: [
        'Here is what my tools found for "What is (4 + 4) / (2 - 2)?":',
        "- **calculator** could not work out `(4 + 4) / (2 - 2)`: Division by zero, so this part has no answer.",
        "Every figure above is the tools' own result, not my estimate.",
      ].join("\n\n"),
    });
  });

  it(`answers after ${MAX_OFFLINE_TOOL_ROUNDS} rounds of tool calls, whatever they gave`, () => {
    const rounds = ["a", "b", "c"].flatMap((id) => failed(id, "1 / 0 + 1"));
    expect(
      planOfflineAgentTurn(conversation("What is 1 / 0 + 1?", ...rounds.slice(0, 4)), allNames).kind,
    ).toBe("tool-calls");
    expect(planOfflineAgentTurn(conversation("What is 1 / 0 + 1?", ...rounds), allNames).kind).toBe("answer");
  });

  it("answers without tools when none are bound or none fits", () => {
    const messages = conversation("What is 2 + 2?");
    expect(planOfflineAgentTurn(messages, [])).toEqual({
      kind: "answer",
      text: composeOfflineReply(
        "agent",
        messages.map((message) => message.text),
      ),
    });
    expect(planOfflineAgentTurn(conversation("Tell me a story"), ["calculator"])).toEqual({
      kind: "answer",
      text: 'None of my tools (calculator) fits "Tell me a story", so I have no figures to give.',
    });
  });
});
