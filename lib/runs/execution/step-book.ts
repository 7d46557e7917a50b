import "server-only";
import { costOf, type ModelPrice } from "@/lib/models/pricing";
import type { WorkflowSpec } from "@/lib/workflows/types";
import { type RunChunk, runParts, type StepPart, type StepStatus, type TokenUsage } from "../contract";
import { renderStepInput } from "./step-input";

interface StepState {
  part: StepPart;
  /** The id of the task's current text part: a retried attempt, or a resumed task, starts a new one. */
  textId: string;
  textStarted: boolean;
  usage: TokenUsage;
  /** Characters streamed since the model last reported its usage: estimated if it never does. */
  unreportedChars: number;
}

const NO_USAGE: TokenUsage = { inputTokens: 0, outputTokens: 0 };

/**
 * The run's node tasks: each one's lifecycle (running, then done, failed, stopped or waiting),
 * its streamed text, its tokens and cost, and its model attempts, written as `data-step` and text
 * parts. A task's events may arrive before LangGraph reports its start: they wait for it.
 */
export class StepBook {
  readonly #steps = new Map<string, StepState>();
  readonly #early = new Map<string, ((step: StepState) => void)[]>();
  /** Tokens of the run's earlier segments (before a pause), counted in the run's totals. */
  readonly #earlier: TokenUsage;

  constructor(
    private readonly write: (chunk: RunChunk) => void,
    private readonly options: {
      workflow: WorkflowSpec;
      price?: ModelPrice;
      now: () => number;
      /** Tells a resumed segment's text parts apart from the same task's text before the pause. */
      segment: number;
      earlierUsage?: TokenUsage;
    },
  ) {
    this.#earlier = options.earlierUsage ?? NO_USAGE;
  }

  /** A task LangGraph started; `parentTaskId` when it runs inside a subgraph. */
  start(task: { id: string; name: string; input: unknown }, parentTaskId?: string): void {
    const resumed = this.options.segment > 0 ? `~r${this.options.segment}` : "";
    const step: StepState = {
      part: {
        taskId: task.id,
        node: task.name,
        ...(parentTaskId ? { parentTaskId } : {}),
        label: this.options.workflow.stepLabel?.(task.name, (task.input ?? {}) as Record<string, unknown>),
        status: "running",
        startedAt: this.options.now(),
        input: renderStepInput(task.input),
      },
      textId: `${task.id}${resumed}`,
      textStarted: false,
      usage: NO_USAGE,
      unreportedChars: 0,
    };
    this.#steps.set(task.id, step);
    this.#writeStep(step);
    for (const apply of this.#early.get(task.id) ?? []) apply(step);
    this.#early.delete(task.id);
  }

  has(taskId: string): boolean {
    return this.#steps.has(taskId);
  }

  /** Runs `apply` on the task's step now, or once it has started. Ignored once it has ended. */
  #with(taskId: string, apply: (step: StepState) => void): void {
    const step = this.#steps.get(taskId);
    if (step) {
      if (step.part.status === "running") apply(step);
      return;
    }
    const waiting = this.#early.get(taskId);
    if (waiting) waiting.push(apply);
    else this.#early.set(taskId, [apply]);
  }

  /** A token of the task's model output. */
  token(taskId: string, text: string): void {
    this.#with(taskId, (step) => {
      if (!step.textStarted) {
        step.textStarted = true;
        if (step.part.retryNote) {
          step.part = { ...step.part, retryNote: undefined };
          this.#writeStep(step);
        }
        this.write(runParts.textStart(step.textId, step.part.taskId));
      }
      step.unreportedChars += text.length;
      this.write(runParts.textDelta(step.textId, text));
    });
  }

  /** A model call's tokens; `counted` is told the tokens (budget, daily limits) once they apply. */
  usage(taskId: string, inputTokens: number, outputTokens: number, counted: () => void): void {
    this.#with(taskId, (step) => {
      step.usage = {
        inputTokens: step.usage.inputTokens + inputTokens,
        outputTokens: step.usage.outputTokens + outputTokens,
      };
      step.unreportedChars = 0;
      counted();
    });
  }

  /** A model call failed and will be retried: say which attempt comes, and why. */
  retrying(taskId: string, attempt: number, maxAttempts: number, reason: string): void {
    this.#with(taskId, (step) => {
      step.part = { ...step.part, retryNote: reason, attempt, maxAttempts };
      this.#writeStep(step);
    });
  }

  /** A model call's attempt begins: its text starts afresh. */
  attempt(taskId: string, attempt: number, maxAttempts: number): void {
    this.#with(taskId, (step) => {
      this.#endText(step);
      step.textId = `${step.part.taskId}${this.options.segment > 0 ? `~r${this.options.segment}` : ""}~${attempt}`;
      step.part = { ...step.part, attempt, maxAttempts };
      this.#writeStep(step);
    });
  }

  /** LangGraph reported the task's end: done (with its update), failed, or waiting for a person. */
  finish(taskId: string, status: StepStatus, update?: unknown, error?: string): void {
    const step = this.#steps.get(taskId);
    if (step?.part.status !== "running") return;
    this.#endText(step);
    const estimated = (status === "stopped" || status === "failed") && step.unreportedChars > 0;
    if (estimated) {
      step.usage = {
        ...step.usage,
        outputTokens: step.usage.outputTokens + estimateTokens(step.unreportedChars),
      };
      step.unreportedChars = 0;
    }
    const endedAt = this.options.now();
    step.part = {
      ...step.part,
      status,
      endedAt,
      durationMs: endedAt - step.part.startedAt,
      usage: step.usage,
      ...(estimated ? { usageEstimated: true } : {}),
      costUsd: costOf(step.usage, this.options.price),
      summary: status === "done" ? summarize(this.options.workflow, step.part.node, update) : undefined,
      retryNote: undefined,
      ...(error ? { error } : {}),
    };
    this.#writeStep(step);
  }

  /** Ends every task still running (the run stopped or failed around them). */
  closeRunning(status: StepStatus, error?: string): void {
    for (const step of this.#steps.values()) {
      if (step.part.status === "running") this.finish(step.part.taskId, status, undefined, error);
    }
  }

  /** The run's tokens so far, earlier segments included. */
  total(): TokenUsage {
    let { inputTokens, outputTokens } = this.#earlier;
    for (const step of this.#steps.values()) {
      inputTokens += step.usage.inputTokens;
      outputTokens += step.usage.outputTokens;
    }
    return { inputTokens, outputTokens };
  }

  #endText(step: StepState): void {
    if (step.textStarted) this.write(runParts.textEnd(step.textId));
    step.textStarted = false;
  }

  #writeStep(step: StepState): void {
    this.write(runParts.step(step.part));
  }
}

/**
 * Output tokens of text a model streamed but never accounted for (it was cut off): about four
 * characters a token, the usual rule of thumb for English with BPE tokenizers.
 */
export function estimateTokens(chars: number): number {
  return Math.ceil(chars / 4);
}

/** A one-line account of what a finished task decided: the workflow's own, or its longest text. */
function summarize(workflow: WorkflowSpec, node: string, update: unknown): string | undefined {
  const record = (update ?? {}) as Record<string, unknown>;
  const own = workflow.stepSummary?.(node, record);
  if (own) return own;
  const longest = Object.values(record)
    .filter((value): value is string => typeof value === "string")
    .sort((a, b) => b.length - a.length)[0];
  if (!longest) return undefined;
  const plain = longest
    .replace(/[#*_`>]/g, "")
    .replace(/\s+/g, " ")
    .trim();
  return plain.length > 140 ? `${plain.slice(0, 139)}…` : plain;
}
