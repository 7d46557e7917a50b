import "server-only";
import type { ModelFactory } from "@/lib/models/factory";
import { modelRetryPolicy } from "@/lib/models/model-failures";
import { costOf, type ModelPrice } from "@/lib/models/pricing";
import type { ModelCallSettings, NodeEvent } from "@/lib/workflows/model-access";
import type { WorkflowSpec } from "@/lib/workflows/types";
import type { RunChunk, RunError, RunPart, StepPart, StepStatus, TokenUsage } from "./contract";
import { textPartMetadata } from "./contract";
import {
  describeRunFailure,
  type StopReason,
  StopReason as StopReasonClass,
  stopReasonOf,
} from "./run-errors";
import { taskIdOfCheckpointNamespace } from "./task-ids";

export interface ExecuteRunOptions {
  runId: string;
  workflow: WorkflowSpec;
  input: string;
  models: ModelFactory;
  /** Aborting it stops the graph and the model call in flight; its reason says who stopped the run. */
  signal: AbortSignal;
  /** Where the run's parts go. The executor does not care whether that is a socket, a log or a store. */
  write: (chunk: RunChunk) => void;
  /** Idle timeout and attempts for each node's model call. */
  modelCalls?: ModelCallSettings;
  /** The model's price, for cost per step and per run (unknown: no cost shown). */
  price?: ModelPrice;
  /** Input plus output tokens the run may use (0: no budget), and how to end it when it has. */
  tokenBudget?: { tokens: number; exceeded: (reason: StopReason) => void };
  /** Told each model call's tokens (input plus output) as they are reported: the daily limits. */
  onTokens?: (tokens: number) => void;
  /** Awaited by every node before it calls the model (the daily limits count the last call first). */
  beforeModelCall?: () => Promise<void>;
  now?: () => number;
}

interface StepState {
  part: StepPart;
  /** The id of the task's current text part: a retried attempt starts a new one. */
  textId: string;
  textStarted: boolean;
  usage: TokenUsage;
}

type TaskStart = { id: string; name: string; input: unknown };
type TaskResult = { id: string; name: string; result?: unknown; error?: unknown };

/**
 * Runs a workflow's graph and describes its progress as run-stream parts. Node lifecycle comes
 * from LangGraph's `tasks` stream mode; tokens, usage and model attempts come from the nodes
 * themselves through `configurable.relay`, attributed to their task by the task id in the
 * checkpoint namespace. It always ends with exactly one terminal part, and never throws.
 */
export async function executeRun(options: ExecuteRunOptions): Promise<void> {
  const { runId, workflow, input, models, signal, write } = options;
  const now = options.now ?? Date.now;
  const steps = new Map<string, StepState>();
  const run: RunPart = {
    runId,
    workflow: workflow.id,
    model: models.info,
    status: "running",
    startedAt: now(),
  };

  const modelCalls = options.modelCalls ?? { idleTimeoutMs: 30_000, maxAttempts: 1 };
  const writeRun = () => {
    const usage = totalUsage(steps);
    write({ type: "data-run", id: runId, data: { ...run, usage, costUsd: costOf(usage, options.price) } });
  };
  const writeStep = (step: StepState) =>
    write({ type: "data-step", id: step.part.taskId, data: { ...step.part } });
  const closeSteps = (status: StepStatus, error?: string) => {
    for (const step of steps.values()) {
      if (step.part.status === "running") finishStep(step, status, undefined, error);
    }
  };
  const finishStep = (step: StepState, status: StepStatus, update: unknown, error?: string) => {
    if (step.textStarted) write({ type: "text-end", id: step.textId });
    step.textStarted = false;
    const endedAt = now();
    step.part = {
      ...step.part,
      status,
      endedAt,
      durationMs: endedAt - step.part.startedAt,
      usage: step.usage,
      costUsd: costOf(step.usage, options.price),
      summary: status === "done" ? summarize(workflow, step.part.node, update) : undefined,
      retryNote: undefined,
      ...(error ? { error } : {}),
    };
    writeStep(step);
  };
  const addUsage = (step: StepState, inputTokens: number, outputTokens: number) => {
    step.usage = {
      inputTokens: step.usage.inputTokens + inputTokens,
      outputTokens: step.usage.outputTokens + outputTokens,
    };
    options.onTokens?.(inputTokens + outputTokens);
    const budget = options.tokenBudget;
    if (budget && budget.tokens > 0) {
      const total = totalUsage(steps);
      if (total.inputTokens + total.outputTokens > budget.tokens)
        budget.exceeded(StopReasonClass.budget(budget.tokens));
    }
  };
  /** A node's model call is being retried: say which attempt, and start its text afresh. */
  const onAttempt = (step: StepState, event: NodeEvent) => {
    if (event.kind === "model-attempt-failed") {
      if (!event.willRetry) return;
      step.part = {
        ...step.part,
        retryNote: event.reason,
        attempt: event.attempt + 1, // the attempt about to start
        maxAttempts: event.maxAttempts,
      };
    } else if (event.kind === "model-attempt") {
      if (step.textStarted) write({ type: "text-end", id: step.textId });
      step.textStarted = false;
      step.textId = `${step.part.taskId}~${event.attempt}`;
      step.part = { ...step.part, attempt: event.attempt, maxAttempts: event.maxAttempts };
    }
    writeStep(step);
  };
  const onNodeEvent = (step: StepState, event: NodeEvent) => {
    if (step.part.status !== "running") return;
    if (event.kind === "token") relayToken(step, event.text, write);
    else if (event.kind === "usage") addUsage(step, event.inputTokens, event.outputTokens);
    else onAttempt(step, event);
  };
  // A node's events come straight from the node, its start through LangGraph's stream: the first
  // token can beat the start, so events of a task not yet started wait for it.
  const early = new Map<string, NodeEvent[]>();
  // Parsed once per task, not once per token.
  const taskOfNamespace = new Map<string, string>();
  let ended = false;
  const relay = (event: NodeEvent) => {
    if (ended) return;
    let taskId = taskOfNamespace.get(event.checkpointNs);
    if (taskId === undefined) {
      taskId = taskIdOfCheckpointNamespace(event.checkpointNs) ?? "";
      taskOfNamespace.set(event.checkpointNs, taskId);
    }
    const step = steps.get(taskId);
    const waiting = early.get(taskId);
    if (step) onNodeEvent(step, event);
    else if (waiting) waiting.push(event);
    else early.set(taskId, [event]);
  };
  const endWith = (terminal: RunChunk) => {
    ended = true;
    write(terminal);
  };

  write({ type: "start", messageId: runId });
  writeRun();
  let finalState: Record<string, unknown> | undefined;
  try {
    const graph = workflow.build();
    // Every node's failures are judged by the model retry policy (nodes that call no model
    // never throw what it retries).
    graph.retryPolicy = modelRetryPolicy(modelCalls.maxAttempts);
    const stream = await graph.stream(
      { task: input },
      {
        streamMode: ["tasks", "values"],
        signal,
        configurable: { models, modelCalls, relay, beforeModelCall: options.beforeModelCall },
      },
    );
    for await (const item of stream) {
      const [mode, payload] = item as [string, unknown];
      if (mode === "values") {
        finalState = payload as Record<string, unknown>;
      } else if (mode === "tasks") {
        const task = payload as TaskStart | TaskResult;
        if ("input" in task) {
          const step: StepState = {
            part: {
              taskId: task.id,
              node: task.name,
              label: workflow.stepLabel?.(task.name, task.input as Record<string, unknown>),
              status: "running",
              startedAt: now(),
            },
            textId: task.id,
            textStarted: false,
            usage: { inputTokens: 0, outputTokens: 0 },
          };
          steps.set(task.id, step);
          writeStep(step);
          for (const event of early.get(task.id) ?? []) onNodeEvent(step, event);
          early.delete(task.id);
        } else {
          const step = steps.get(task.id);
          const failed = task.error !== null && task.error !== undefined;
          if (step)
            finishStep(
              step,
              failed ? "failed" : "done",
              task.result,
              failed ? errorText(task.error) : undefined,
            );
        }
      }
    }
    signal.throwIfAborted();
    write({ type: "data-result", id: runId, data: { markdown: workflow.result(finalState ?? {}) } });
    Object.assign(run, { status: "done", endedAt: now() });
    writeRun();
    endWith({ type: "finish", finishReason: "stop" });
  } catch (error) {
    const stopped = signal.aborted ? stopReasonOf(signal.reason) : undefined;
    if (stopped?.limit) {
      endFailed({ code: stopped.limit, message: stopped.message, retryable: false });
    } else if (stopped?.interrupts) {
      endFailed({ code: "interrupted", message: stopped.message, retryable: true }, "interrupted");
    } else if (stopped) {
      endStopped(stopped);
    } else {
      endFailed(describeRunFailure(error));
    }
  }

  function endStopped(reason: StopReason) {
    closeSteps("stopped");
    Object.assign(run, { status: "stopped", endedAt: now() });
    writeRun();
    endWith({ type: "abort", reason: reason.message });
  }

  function endFailed(error: RunError, status: "failed" | "interrupted" = "failed") {
    closeSteps(status === "failed" ? "failed" : "stopped", error.message);
    Object.assign(run, { status, endedAt: now(), error });
    writeRun();
    // The UI stream's error part, with the code and retryability the client maps to plain words.
    const terminal = {
      type: "error" as const,
      errorText: error.message,
      code: error.code,
      retryable: error.retryable,
    };
    endWith(terminal);
  }
}

function relayToken(step: StepState, delta: string, write: (chunk: RunChunk) => void): void {
  const id = step.textId;
  if (!step.textStarted) {
    step.textStarted = true;
    if (step.part.retryNote) {
      step.part = { ...step.part, retryNote: undefined };
      write({ type: "data-step", id: step.part.taskId, data: { ...step.part } });
    }
    write({ type: "text-start", id, providerMetadata: textPartMetadata(step.part.taskId) });
  }
  write({ type: "text-delta", id, delta });
}

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

function totalUsage(steps: Map<string, StepState>): TokenUsage {
  let inputTokens = 0;
  let outputTokens = 0;
  for (const step of steps.values()) {
    inputTokens += step.usage.inputTokens;
    outputTokens += step.usage.outputTokens;
  }
  return { inputTokens, outputTokens };
}

function errorText(error: unknown): string {
  return describeRunFailure(error).message;
}
