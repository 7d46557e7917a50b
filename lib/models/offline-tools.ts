import "server-only";
import { AIMessage, type BaseMessage, HumanMessage, ToolMessage } from "@langchain/core/messages";
import { composeOfflineReply, offlineTaskOf } from "./offline-replies";

/**
 * How the offline model behaves as a tool-using agent ("agent" role): which tools it calls for a
 * task, how it recovers from a failed call, and the answer it writes from the results. All of it
 * is decided from the conversation alone, so the same task always takes the same path.
 */

/** After this many rounds of tool calls the offline agent answers, whatever happened. */
export const MAX_OFFLINE_TOOL_ROUNDS = 3;

export interface OfflineToolCall {
  id: string;
  name: string;
  args: Record<string, unknown>;
}

export type OfflineAgentTurn =
  | { kind: "tool-calls"; calls: OfflineToolCall[] }
  | { kind: "answer"; text: string };

interface ToolCallRecord {
  call: OfflineToolCall;
  result?: ToolMessage;
}

const isoDate = /\b\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:\d{2})?)?/g;
// A run of numbers, operators and parentheses; it counts as arithmetic only if an operator joins two operands.
const arithmeticRun = /[\d(.−-][\d\s.+\-−*/×÷^()]*[\d)]/g;
const joinsOperands = /[\d)]\s*(?:\*\*|[-+*/^−×÷])\s*[-−(]*[\d.(]/;
const durationPattern = /(\d+)\s*(hour|day|week|month|year)s?\b/i;
const backwards = /\b(before|ago|earlier|subtract|minus|back)\b/i;
const retrySuffix = "_retry";

/**
 * The tool calls the offline agent makes for a task, in order, before it has any results:
 * - `calculator` once for each distinct arithmetic expression (at most 3), found as a run of
 *   numbers joined by operators once any ISO dates are taken out: "What is (1250 * 12) / 7?".
 * - `date_math` when the task has an ISO date: two dates → `days_between` of the first two; one
 *   date and "<n> hours/days/weeks/months/years" → `add` (or `subtract` with "before", "ago",
 *   "earlier", "subtract", "minus" or "back"); one date alone → `weekday`.
 * - `search_docs` when neither of those applies (the query: the task without its dates and
 *   expressions), or when the task asks "how", "what", "why", "where" or "which" about stepstream
 *   (the query: the task's clauses, split at punctuation and "and", that name stepstream).
 * Only tools in `toolNames` are called.
 */
export function offlineToolCallsFor(
  task: string,
  toolNames: readonly string[],
): Omit<OfflineToolCall, "id">[] {
  const dates = task.match(isoDate) ?? [];
  const calls: Omit<OfflineToolCall, "id">[] = findExpressions(task.replace(isoDate, " ")).map(
    (expression) => ({ name: "calculator", args: { expression } }),
  );
  const dateCall = dateMathArgs(task, dates);
  if (dateCall) calls.push({ name: "date_math", args: dateCall });
  const asksAboutStepstream = /\b(how|what|why|where|which)\b/i.test(task) && /\bstepstream\b/i.test(task);
  if (calls.length === 0 || asksAboutStepstream) {
    calls.push({ name: "search_docs", args: { query: docsQuery(task, asksAboutStepstream) } });
  }
  return calls.filter((call) => toolNames.includes(call.name));
}

/**
 * The offline agent's next turn for a conversation (a human task, then any AI tool calls and
 * their ToolMessages). With no results yet it calls the tools `offlineToolCallsFor` chooses,
 * with ids `call_1_0`, `call_1_1`…. A failed calculator call whose expression divides by a
 * literal zero is retried once, without that division (id `<failed id>_retry`); any other
 * failure is explained in the answer. After the results it answers in text that quotes them.
 */
export function planOfflineAgentTurn(
  messages: readonly BaseMessage[],
  toolNames: readonly string[],
): OfflineAgentTurn {
  const prompt = messages.find((message) => HumanMessage.isInstance(message));
  const task = offlineTaskOf(prompt ? textOf(prompt) : "");
  if (toolNames.length === 0) {
    return { kind: "answer", text: composeOfflineReply("agent", messages.map(textOf)) };
  }
  const rounds = toolRounds(messages);
  if (rounds.length === 0) {
    const calls = offlineToolCallsFor(task, toolNames).map((call, index) => ({
      ...call,
      id: `call_1_${index}`,
    }));
    if (calls.length > 0) return { kind: "tool-calls", calls };
    return {
      kind: "answer",
      text: `None of my tools (${toolNames.join(", ")}) fits "${task.trim()}", so I have no figures to give.`,
    };
  }
  const retries = (rounds.at(-1) ?? []).flatMap(({ call, result }) => {
    const corrected = result?.status === "error" ? correctedArgs(call) : undefined;
    return corrected ? [{ id: `${call.id}${retrySuffix}`, name: call.name, args: corrected }] : [];
  });
  if (retries.length > 0 && rounds.length < MAX_OFFLINE_TOOL_ROUNDS)
    return { kind: "tool-calls", calls: retries };
  return { kind: "answer", text: composeAnswer(task, rounds.flat()) };
}

/** The part of the task the docs can answer: its clauses about stepstream, else all but figures. */
function docsQuery(task: string, asksAboutStepstream: boolean): string {
  const clauses = task.split(/[.?!;,]+\s*|\s*\band\s+/i).filter((clause) => /\bstepstream\b/i.test(clause));
  const words = asksAboutStepstream
    ? clauses.join(" ")
    : task.replace(isoDate, " ").replace(arithmeticRun, " ");
  const query = words.replace(/\s+/g, " ").trim();
  return (/\p{L}/u.test(query) ? query : task.trim()).slice(0, 300);
}

function findExpressions(text: string): string[] {
  const found = (text.match(arithmeticRun) ?? [])
    .map(balanceParentheses)
    .filter((run) => joinsOperands.test(run));
  return [...new Set(found)].slice(0, 3);
}

/** Drops the unmatched parentheses a sentence leaves at either end of a run: "(see 2 + 2)". */
function balanceParentheses(run: string): string {
  let text = run.trim();
  const count = (char: string) => [...text].filter((c) => c === char).length;
  while (text.startsWith("(") && count("(") > count(")")) text = text.slice(1).trim();
  while (text.endsWith(")") && count(")") > count("(")) text = text.slice(0, -1).trim();
  return text;
}

function dateMathArgs(task: string, dates: string[]): Record<string, unknown> | undefined {
  const [date, otherDate] = dates;
  if (!date) return undefined;
  if (otherDate) return { operation: "days_between", date, other_date: otherDate };
  const duration = durationPattern.exec(task.replace(isoDate, " "));
  if (!duration?.[1] || !duration[2]) return { operation: "weekday", date };
  return {
    operation: backwards.test(task) ? "subtract" : "add",
    date,
    amount: Number(duration[1]),
    unit: `${duration[2].toLowerCase()}s`,
  };
}

/** The one correction the offline agent knows: take a division by a literal zero out. */
function correctedArgs(call: OfflineToolCall): Record<string, unknown> | undefined {
  if (call.name !== "calculator" || call.id.endsWith(retrySuffix)) return undefined;
  const expression = String(call.args.expression ?? "");
  const corrected = expression
    .replace(/\s*[/÷]\s*\(?\s*0+(?:\.0*)?\s*\)?(?![\d.])/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  return corrected && corrected !== expression ? { expression: corrected } : undefined;
}

/** The AI messages' tool calls, round by round, each with its ToolMessage if it has one. */
function toolRounds(messages: readonly BaseMessage[]): ToolCallRecord[][] {
  const results = new Map<string, ToolMessage>();
  for (const message of messages) {
    if (ToolMessage.isInstance(message)) results.set(message.tool_call_id, message);
  }
  return messages.flatMap((message) => {
    if (!AIMessage.isInstance(message) || !message.tool_calls?.length) return [];
    return [
      message.tool_calls.map((call) => {
        const id = call.id ?? "";
        return { call: { id, name: call.name, args: call.args }, result: results.get(id) };
      }),
    ];
  });
}

function composeAnswer(task: string, records: ToolCallRecord[]): string {
  const retried = new Set(records.map(({ call }) => call.id));
  const lines = records.flatMap(({ call, result }) => {
    if (!result) return [];
    const what = describeCall(call);
    if (result.status === "error") {
      const next = retried.has(`${call.id}${retrySuffix}`)
        ? "so I tried again without the division by zero."
        : "so this part has no answer.";
      return [`- **${call.name}** could not work out ${what}: ${errorTextOf(result)}, ${next}`];
    }
    return [
      `- **${call.name}**${call.id.endsWith(retrySuffix) ? " (retried)" : ""}: ${summaryOf(call, result)}`,
    ];
  });
  return [
    `Here is what my tools found for "${task.trim()}":`,
    lines.join("\n"),
    "Every figure above is the tools' own result, not my estimate.",
  ].join("\n\n");
}

function describeCall(call: OfflineToolCall): string {
  if (call.name === "calculator") return `\`${String(call.args.expression)}\``;
  if (call.name === "search_docs") return `a search for "${String(call.args.query)}"`;
  return `\`${JSON.stringify(call.args)}\``;
}

function summaryOf(call: OfflineToolCall, result: ToolMessage): string {
  const content = textOf(result).trim();
  if (call.name !== "search_docs") return content.split("\n")[0] ?? content;
  const headings = [...content.matchAll(/^\[\d+\] (.+)$/gm)].map((match) => `**${match[1]}**`);
  if (headings.length === 0) return content;
  const firstExcerpt = content.split("\n")[1]?.trim() ?? "";
  const quote = firstExcerpt.length > 240 ? `${firstExcerpt.slice(0, 239)}…` : firstExcerpt;
  return `the docs answer this in ${headings.join(", ")}. The first says: "${quote}"`;
}

/** ToolNode writes a thrown error as "Error: <message>\n Please fix your mistakes." */
function errorTextOf(result: ToolMessage): string {
  return textOf(result)
    .replace(/^Error:\s*/, "")
    .replace(/\s*Please fix your mistakes\.\s*$/, "")
    .trim();
}

function textOf(message: BaseMessage): string {
  return typeof message.content === "string" ? message.content : message.text;
}
