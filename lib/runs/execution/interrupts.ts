import "server-only";
import { type InterruptPart, type RunChunk, runParts } from "../contract";

/** What LangGraph reports of a task's `interrupt(value)`. */
export interface GraphInterrupt {
  id?: string;
  value?: unknown;
}

const ACTIONS = ["approve", "edit", "reject"] as const;

/**
 * The question a node asks with `interrupt(value)`, as the run shows it. A string is the question
 * itself; an object may say `question`, `payload` (what can be approved or edited) and `actions`.
 */
export function describeInterrupt(
  interrupt: GraphInterrupt,
  task: { taskId: string; node: string },
  askedAt: number,
): InterruptPart {
  const value = interrupt.value;
  const asked = value && typeof value === "object" ? (value as Record<string, unknown>) : undefined;
  const question =
    typeof value === "string"
      ? value
      : typeof asked?.question === "string"
        ? asked.question
        : `The ${task.node} step asks for your approval.`;
  const payload = asked ? ("payload" in asked ? asked.payload : asked) : undefined;
  const actions = Array.isArray(asked?.actions)
    ? ACTIONS.filter((action) => (asked.actions as unknown[]).includes(action))
    : payload === undefined
      ? ["approve" as const, "reject" as const]
      : [...ACTIONS];
  return {
    interruptId: interrupt.id ?? `${task.taskId}:interrupt`,
    taskId: task.taskId,
    node: task.node,
    question,
    ...(payload !== undefined ? { payload } : {}),
    actions,
    askedAt,
  };
}

/**
 * The questions a run's tasks asked. With subgraphs one interrupt is reported by its own task and
 * again by every task above it: it is kept once, with the innermost task that asked it.
 */
export class InterruptBook {
  readonly #asked = new Map<string, InterruptPart>();

  constructor(private readonly write: (chunk: RunChunk) => void) {}

  /** The interrupts a finished task reported; returns whether any is new. */
  add(interrupts: readonly GraphInterrupt[], task: { taskId: string; node: string }, now: number): boolean {
    let added = false;
    for (const interrupt of interrupts) {
      const part = describeInterrupt(interrupt, task, now);
      if (this.#asked.has(part.interruptId)) continue;
      this.#asked.set(part.interruptId, part);
      this.write(runParts.interrupt(part));
      added = true;
    }
    return added;
  }

  get pending(): InterruptPart[] {
    return [...this.#asked.values()];
  }
}
