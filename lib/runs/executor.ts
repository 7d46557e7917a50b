import "server-only";
import type { BaseCheckpointSaver } from "@langchain/langgraph";
import type { ModelFactory } from "@/lib/models/factory";
import { modelRetryPolicy } from "@/lib/models/model-failures";
import { costOf, type ModelPrice } from "@/lib/models/pricing";
import type { ModelCallSettings, NodeEvent } from "@/lib/workflows/model-access";
import type { WorkflowSpec } from "@/lib/workflows/types";
import {
  type InterruptPart,
  type RunChunk,
  type RunError,
  type RunPart,
  runParts,
  type TokenUsage,
} from "./contract";
import { type GraphInterrupt, InterruptBook } from "./execution/interrupts";
import { ModelCallbacks } from "./execution/model-callbacks";
import { StepBook } from "./execution/step-book";
import { ToolCallBook } from "./execution/tool-calls";
import {
  describeRunFailure,
  runError,
  type StopReason,
  StopReason as StopReasonClass,
  stopReasonOf,
} from "./run-errors";
import { parentTaskOfNamespace, taskIdOfCheckpointNamespace } from "./task-ids";

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
  /** Keeps the graph's state between a pause and its resume (workflows that may ask a person). */
  checkpointer?: BaseCheckpointSaver;
  /** The run goes on after a pause: the person's answer, and what the run was before it. */
  resume?: ResumeOptions;
  now?: () => number;
}

export interface ResumeOptions {
  /** The answer, for LangGraph's `Command({ resume })`. */
  value: unknown;
  /** The questions it answers, shown again as answered. */
  interrupts: InterruptPart[];
  /** How many times the run has been resumed before, plus one. */
  segment: number;
  startedAt: number;
  usage: TokenUsage;
}

/** How a segment of a run ended: with its terminal part, or paused for a person's answer. */
export type RunOutcome = { kind: "ended" } | { kind: "waiting"; questions: InterruptPart[] };

type TaskStart = { id: string; name: string; input: unknown };
type TaskResult = {
  id: string;
  name: string;
  result?: unknown;
  error?: unknown;
  interrupts?: GraphInterrupt[];
};

/**
 * Runs a workflow's graph and describes its progress as run-stream parts. Node lifecycle comes
 * from LangGraph's `tasks` stream mode (subgraphs included, nested under the task that ran them);
 * tokens, usage and attempts from the project's own model helper through `configurable.relay`;
 * and from any other model or tool call through the run's callback handler. A node that asks a
 * person (`interrupt()`) pauses the run. It ends with exactly one terminal part, or pauses with
 * none, and never throws.
 */
export async function executeRun(options: ExecuteRunOptions): Promise<RunOutcome> {
  const { runId, workflow, input, models, signal, resume } = options;
  const now = options.now ?? Date.now;
  let ended = false;
  const write = (chunk: RunChunk) => {
    if (!ended) options.write(chunk);
  };
  const run: RunPart = {
    runId,
    workflow: workflow.id,
    model: models.info,
    status: "running",
    startedAt: resume?.startedAt ?? now(),
  };
  const steps = new StepBook(write, {
    workflow,
    price: options.price,
    now,
    segment: resume?.segment ?? 0,
    earlierUsage: resume?.usage,
  });
  const tools = new ToolCallBook(write);
  const interrupts = new InterruptBook(write);
  const writeRun = () => {
    const usage = steps.total();
    write(runParts.run({ ...run, usage, costUsd: costOf(usage, options.price) }));
  };
  const counted = (tokens: number) => () => {
    options.onTokens?.(tokens);
    const budget = options.tokenBudget;
    if (!budget || budget.tokens <= 0) return;
    const total = steps.total();
    if (total.inputTokens + total.outputTokens > budget.tokens) {
      budget.exceeded(StopReasonClass.budget(budget.tokens));
    }
  };
  const relay = relayTo(steps, counted);

  if (resume) {
    for (const asked of resume.interrupts) {
      write(runParts.interrupt({ ...asked, answer: resume.value, answeredAt: now() }));
    }
  } else {
    write(runParts.start(runId));
  }
  writeRun();
  let finalState: Record<string, unknown> | undefined;
  try {
    const graph = workflow.build();
    // Every node's failures are judged by the model retry policy (nodes that call no model
    // never throw what it retries).
    graph.retryPolicy = modelRetryPolicy(options.modelCalls?.maxAttempts ?? 1);
    if (options.checkpointer) graph.checkpointer = options.checkpointer;
    // No handler at all for a workflow that relays its own calls: even an empty callbacks array
    // makes LangChain build and copy a CallbackManager for every runnable of every task.
    const callbacks = workflow.relaysAllModelCalls
      ? undefined
      : [new ModelCallbacks(modelEventsTo(steps, tools, counted))];
    const stream = await graph.stream(resume ? await resumeCommand(resume.value) : { task: input }, {
      streamMode: ["tasks", "values"],
      subgraphs: true,
      signal,
      ...(callbacks ? { callbacks } : {}),
      configurable: {
        thread_id: runId,
        models,
        modelCalls: options.modelCalls ?? { idleTimeoutMs: 30_000, maxAttempts: 1 },
        relay,
        beforeModelCall: options.beforeModelCall,
      },
    });
    for await (const item of stream) {
      const [namespace, mode, payload] = item as [string[], string, unknown];
      if (mode === "values") {
        if (namespace.length === 0) finalState = payload as Record<string, unknown>;
        continue;
      }
      const task = payload as TaskStart | TaskResult;
      if ("input" in task) {
        steps.start(task, parentTaskOfNamespace(namespace));
        continue;
      }
      const asked = task.interrupts ?? [];
      if (asked.length > 0) {
        interrupts.add(asked, { taskId: task.id, node: task.name }, now());
        steps.finish(task.id, "waiting");
      } else if (task.error !== null && task.error !== undefined) {
        steps.finish(task.id, "failed", undefined, describeRunFailure(task.error).message);
      } else {
        steps.finish(task.id, "done", task.result);
      }
    }
    signal.throwIfAborted();
    if (interrupts.pending.length > 0) {
      Object.assign(run, { status: "waiting" });
      writeRun();
      ended = true;
      return { kind: "waiting", questions: interrupts.pending };
    }
    write(runParts.result(runId, workflow.result(finalState ?? {})));
    Object.assign(run, { status: "done", endedAt: now() });
    writeRun();
    endWith(runParts.finish());
  } catch (error) {
    const stopped = signal.aborted ? stopReasonOf(signal.reason) : undefined;
    if (stopped?.limit) {
      endFailed(runError(stopped.limit, stopped.message));
    } else if (stopped?.interrupts) {
      endFailed(runError("interrupted", stopped.message), "interrupted");
    } else if (stopped) {
      endStopped(stopped);
    } else {
      endFailed(describeRunFailure(error));
    }
  }
  return { kind: "ended" };

  function endWith(terminal: RunChunk) {
    write(terminal);
    ended = true;
  }

  function endStopped(reason: StopReason) {
    steps.closeRunning("stopped");
    tools.closeOpen("The run was stopped before this tool call finished.");
    Object.assign(run, { status: "stopped", endedAt: now() });
    writeRun();
    endWith(runParts.abort(reason.message));
  }

  function endFailed(error: RunError, status: "failed" | "interrupted" = "failed") {
    steps.closeRunning(status === "failed" ? "failed" : "stopped", error.message);
    tools.closeOpen(error.message);
    Object.assign(run, { status, endedAt: now(), error });
    writeRun();
    endWith(runParts.error(error));
  }
}

/** LangGraph's resume command (imported here, not at the top: this module loads on the health check path). */
async function resumeCommand(value: unknown): Promise<unknown> {
  const { Command } = await import("@langchain/langgraph");
  return new Command({ resume: value });
}

/** Events of the project's own model helper, for its task's step. */
function relayTo(steps: StepBook, counted: (tokens: number) => () => void) {
  // Parsed once per task, not once per token.
  const taskOfNamespace = new Map<string, string>();
  return (event: NodeEvent) => {
    let taskId = taskOfNamespace.get(event.checkpointNs);
    if (taskId === undefined) {
      taskId = taskIdOfCheckpointNamespace(event.checkpointNs) ?? "";
      taskOfNamespace.set(event.checkpointNs, taskId);
    }
    if (event.kind === "token") steps.token(taskId, event.text);
    else if (event.kind === "usage") {
      steps.usage(
        taskId,
        event.inputTokens,
        event.outputTokens,
        counted(event.inputTokens + event.outputTokens),
      );
    } else if (event.kind === "model-attempt") steps.attempt(taskId, event.attempt, event.maxAttempts);
    else if (event.willRetry) steps.retrying(taskId, event.attempt + 1, event.maxAttempts, event.reason);
  };
}

/** Events of any other model and tool call, through the run's callback handler. */
function modelEventsTo(steps: StepBook, tools: ToolCallBook, counted: (tokens: number) => () => void) {
  return {
    token: (taskId: string, text: string) => steps.token(taskId, text),
    toolCallChunks: tools.streamed.bind(tools),
    modelEnded: (
      callKey: string,
      taskId: string,
      calls: Parameters<ToolCallBook["completed"]>[2],
      usage?: { inputTokens: number; outputTokens: number },
    ) => {
      tools.completed(callKey, taskId, calls);
      if (usage) {
        steps.usage(
          taskId,
          usage.inputTokens,
          usage.outputTokens,
          counted(usage.inputTokens + usage.outputTokens),
        );
      }
    },
    toolStarted: () => undefined,
    toolSucceeded: tools.succeeded.bind(tools),
    toolFailed: tools.failed.bind(tools),
  };
}
