/**
 * The run stream's event contract: the one place that says what a run stream carries. The server
 * writes these parts and the browser reads them; both import their types from here.
 *
 * A run stream is an AI SDK UI message stream (SSE, `x-vercel-ai-ui-message-stream: v1`) whose
 * parts are, in order:
 * - `start` (messageId = run id), then `data-run` (status running);
 * - per node task: `data-step` (running), `text-start` / `text-delta`… / `text-end` for its tokens
 *   (the text part's `providerMetadata.stepstream.taskId` names the task), `data-step` again
 *   (done or failed), reconciled by the task id; a task inside a subgraph names the task that ran
 *   the subgraph as `parentTaskId`;
 * - per tool call a node's model makes: `tool-input-start`, `tool-input-delta`…,
 *   `tool-input-available`, then `tool-output-available` or `tool-output-error` (AI SDK dynamic
 *   tool parts; `providerMetadata.stepstream.taskId` names the task whose model called it);
 * - when a node asks a person (LangGraph's `interrupt()`): `data-interrupt` (the question), then
 *   `data-run` (waiting); the response ends there with `finish`, which is not stored: the run
 *   goes on after `POST /api/runs/{id}/resume`, its sequence numbers carrying on, with
 *   `data-interrupt` again (answered) and `data-run` (running);
 * - on success: `data-result`, `data-run` (done), then `finish`;
 * - on a stop: `data-run` (stopped), then `abort`;
 * - on a failure: `data-run` (failed, with the error), then `error` (with `code`);
 * - when the server shut down, or died, mid-run: `data-run` (interrupted), then `error` with code
 *   `interrupted` (retryable).
 * Exactly one of `finish`, `abort`, `error` ends every stream. Every part has a sequence number,
 * sent as the SSE `id:` field, or as `seq` in NDJSON.
 */
import type { InferUIMessageChunk, UIMessage } from "ai";
import { z } from "zod";
import { errorCodeSchema } from "@/lib/errors";

export const tokenUsageSchema = z.object({
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
});
export type TokenUsage = z.infer<typeof tokenUsageSchema>;

export const modelInfoSchema = z.object({
  provider: z.enum(["bedrock", "offline"]),
  id: z.string(),
  label: z.string(),
});
export type ModelInfo = z.infer<typeof modelInfoSchema>;

export const runErrorSchema = z.object({
  code: errorCodeSchema,
  message: z.string(),
  retryable: z.boolean(),
});
export type RunError = z.infer<typeof runErrorSchema>;

/**
 * "waiting": paused until a person answers its question; "expired": nobody answered in time;
 * "interrupted": its server stopped (or died) mid-run.
 */
export const runStatusSchema = z.enum([
  "running",
  "waiting",
  "done",
  "failed",
  "stopped",
  "interrupted",
  "expired",
]);
export type RunStatus = z.infer<typeof runStatusSchema>;

/** `data-run`, id = run id: the run as a whole. */
export const runPartSchema = z.object({
  runId: z.string(),
  workflow: z.string(),
  model: modelInfoSchema,
  status: runStatusSchema,
  startedAt: z.number(),
  endedAt: z.number().optional(),
  usage: tokenUsageSchema.optional(),
  /** US dollars for the tokens so far, at the model's price (absent when the price is unknown). */
  costUsd: z.number().nonnegative().optional(),
  error: runErrorSchema.optional(),
});
export type RunPart = z.infer<typeof runPartSchema>;

/** "waiting": the task asked a person a question, and goes on when the run is resumed. */
export const stepStatusSchema = z.enum(["running", "waiting", "done", "failed", "stopped"]);
export type StepStatus = z.infer<typeof stepStatusSchema>;

/** `data-step`, id = task id: one node task, from running to done, failed or stopped. */
export const stepPartSchema = z.object({
  taskId: z.string(),
  node: z.string(),
  /** The task that ran the subgraph this task belongs to; absent for the graph's own tasks. */
  parentTaskId: z.string().optional(),
  /** Tells apart tasks of the same node: a worker's section, a loop's attempt. */
  label: z.string().optional(),
  status: stepStatusSchema,
  startedAt: z.number(),
  endedAt: z.number().optional(),
  durationMs: z.number().nonnegative().optional(),
  summary: z.string().optional(),
  usage: tokenUsageSchema.optional(),
  /**
   * The output tokens are an estimate (about 4 characters a token of its streamed text): the step
   * was stopped, or failed, before its model reported what it used.
   */
  usageEstimated: z.boolean().optional(),
  costUsd: z.number().nonnegative().optional(),
  error: z.string().optional(),
  /** What the task was given (its input state), rendered readable and cut to a bounded size. */
  input: z.string().optional(),
  /** Set once a model call is being retried: which attempt this is, of how many. */
  attempt: z.number().int().positive().optional(),
  maxAttempts: z.number().int().positive().optional(),
  /** Why the last attempt failed, while a retry is pending. */
  retryNote: z.string().optional(),
});
export type StepPart = z.infer<typeof stepPartSchema>;

/** `data-result`, id = run id: the workflow's final output, as markdown. */
export const resultPartSchema = z.object({
  markdown: z.string(),
});
export type ResultPart = z.infer<typeof resultPartSchema>;

/**
 * `data-interrupt`, id = the interrupt's id: a node's question to a person (LangGraph's
 * `interrupt(value)`). `question` is what to show; `payload`, what can be approved or edited;
 * `answer`, once given, what the person said (the run then goes on).
 */
export const interruptPartSchema = z.object({
  interruptId: z.string(),
  taskId: z.string(),
  node: z.string(),
  question: z.string(),
  payload: z.unknown().optional(),
  /** What the person may answer: approve, edit (the payload), reject. */
  actions: z.array(z.enum(["approve", "edit", "reject"])),
  askedAt: z.number(),
  answer: z.unknown().optional(),
  answeredAt: z.number().optional(),
});
export type InterruptPart = z.infer<typeof interruptPartSchema>;

/** Schemas for `useChat`'s `dataPartSchemas`, so the client validates what it renders. */
export const runDataPartSchemas = {
  run: runPartSchema,
  step: stepPartSchema,
  result: resultPartSchema,
  interrupt: interruptPartSchema,
};

export type RunDataParts = { run: RunPart; step: StepPart; result: ResultPart; interrupt: InterruptPart };
export type RunUIMessage = UIMessage<never, RunDataParts>;
export type RunChunk = InferUIMessageChunk<RunUIMessage>;

/** The error terminal part carries the code as well as the AI SDK's `errorText`. */
export type RunErrorChunk = { type: "error"; errorText: string; code: RunError["code"]; retryable: boolean };

/** The provider metadata that ties a text or tool part to its node task. */
export function stepMetadata(taskId: string) {
  return { stepstream: { taskId } };
}

/**
 * Every part the server writes, built here so each is typed where it is made (`satisfies`) and the
 * few shapes with conventions of ours (error terminals, metadata) are made in one place.
 */
export const runParts = {
  start: (runId: string) => ({ type: "start", messageId: runId }) satisfies RunChunk,
  run: (data: RunPart) => ({ type: "data-run", id: data.runId, data }) satisfies RunChunk,
  step: (data: StepPart) => ({ type: "data-step", id: data.taskId, data: { ...data } }) satisfies RunChunk,
  result: (runId: string, markdown: string) =>
    ({ type: "data-result", id: runId, data: { markdown } }) satisfies RunChunk,
  interrupt: (data: InterruptPart) =>
    ({ type: "data-interrupt", id: data.interruptId, data }) satisfies RunChunk,
  textStart: (id: string, taskId: string) =>
    ({ type: "text-start", id, providerMetadata: stepMetadata(taskId) }) satisfies RunChunk,
  textDelta: (id: string, delta: string) => ({ type: "text-delta", id, delta }) satisfies RunChunk,
  textEnd: (id: string) => ({ type: "text-end", id }) satisfies RunChunk,
  toolInputStart: (toolCallId: string, toolName: string, taskId: string) =>
    ({
      type: "tool-input-start",
      toolCallId,
      toolName,
      dynamic: true,
      providerMetadata: stepMetadata(taskId),
    }) satisfies RunChunk,
  toolInputDelta: (toolCallId: string, inputTextDelta: string) =>
    ({ type: "tool-input-delta", toolCallId, inputTextDelta }) satisfies RunChunk,
  toolInputAvailable: (toolCallId: string, toolName: string, input: unknown, taskId: string) =>
    ({
      type: "tool-input-available",
      toolCallId,
      toolName,
      input,
      dynamic: true,
      providerMetadata: stepMetadata(taskId),
    }) satisfies RunChunk,
  toolOutput: (toolCallId: string, output: unknown) =>
    ({ type: "tool-output-available", toolCallId, output, dynamic: true }) satisfies RunChunk,
  toolError: (toolCallId: string, errorText: string) =>
    ({ type: "tool-output-error", toolCallId, errorText, dynamic: true }) satisfies RunChunk,
  finish: () => ({ type: "finish", finishReason: "stop" }) satisfies RunChunk,
  abort: (reason: string) => ({ type: "abort", reason }) satisfies RunChunk,
  /** The error terminal: the AI SDK's `errorText`, plus the code and retryability the client reads. */
  error: (error: RunError) =>
    ({ type: "error", errorText: error.message, code: error.code, retryable: error.retryable }) as RunChunk,
};

/** A part with its place in the run's sequence (1-based, gap-free). */
export interface SequencedChunk {
  seq: number;
  chunk: RunChunk;
}

export const terminalChunkTypes = ["finish", "abort", "error"] as const;

export function isTerminalChunk(chunk: RunChunk): boolean {
  return (terminalChunkTypes as readonly string[]).includes(chunk.type);
}

const stepMetadataSchema = z.object({ stepstream: z.object({ taskId: z.string() }) });

/** Reads the task id back from a text or tool part's provider metadata. */
export function taskIdOfPart(part: {
  providerMetadata?: unknown;
  callProviderMetadata?: unknown;
}): string | undefined {
  const parsed = stepMetadataSchema.safeParse(part.providerMetadata ?? part.callProviderMetadata);
  return parsed.success ? parsed.data.stepstream.taskId : undefined;
}

/** Response header naming the run, so a client can stop it or find it later. */
export const RUN_ID_HEADER = "x-run-id";
