/**
 * The run stream's event contract: the one place that says what a run stream carries. The server
 * writes these parts and the browser reads them; both import their types from here.
 *
 * A run stream is an AI SDK UI message stream (SSE, `x-vercel-ai-ui-message-stream: v1`) whose
 * parts are, in order:
 * - `start` (messageId = run id), then `data-run` (status running);
 * - per node task: `data-step` (running), `text-start` / `text-delta`… / `text-end` for its tokens
 *   (the text part's `providerMetadata.stepstream.taskId` names the task), `data-step` again
 *   (done or failed), reconciled by the task id;
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

export const runStatusSchema = z.enum(["running", "done", "failed", "stopped", "interrupted"]);
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

export const stepStatusSchema = z.enum(["running", "done", "failed", "stopped"]);
export type StepStatus = z.infer<typeof stepStatusSchema>;

/** `data-step`, id = task id: one node task, from running to done, failed or stopped. */
export const stepPartSchema = z.object({
  taskId: z.string(),
  node: z.string(),
  /** Tells apart tasks of the same node: a worker's section, a loop's attempt. */
  label: z.string().optional(),
  status: stepStatusSchema,
  startedAt: z.number(),
  endedAt: z.number().optional(),
  durationMs: z.number().nonnegative().optional(),
  summary: z.string().optional(),
  usage: tokenUsageSchema.optional(),
  costUsd: z.number().nonnegative().optional(),
  error: z.string().optional(),
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

/** Schemas for `useChat`'s `dataPartSchemas`, so the client validates what it renders. */
export const runDataPartSchemas = {
  run: runPartSchema,
  step: stepPartSchema,
  result: resultPartSchema,
};

export type RunDataParts = { run: RunPart; step: StepPart; result: ResultPart };
export type RunUIMessage = UIMessage<never, RunDataParts>;
export type RunChunk = InferUIMessageChunk<RunUIMessage>;

/** The error terminal part carries the code as well as the AI SDK's `errorText`. */
export type RunErrorChunk = { type: "error"; errorText: string; code: RunError["code"]; retryable: boolean };

/** A part with its place in the run's sequence (1-based, gap-free). */
export interface SequencedChunk {
  seq: number;
  chunk: RunChunk;
}

export const terminalChunkTypes = ["finish", "abort", "error"] as const;

export function isTerminalChunk(chunk: RunChunk): boolean {
  return (terminalChunkTypes as readonly string[]).includes(chunk.type);
}

/** The provider metadata that ties a text part to its node task. */
export function textPartMetadata(taskId: string) {
  return { stepstream: { taskId } };
}

const textPartMetadataSchema = z.object({ stepstream: z.object({ taskId: z.string() }) });

/** Reads the task id back from a text part's provider metadata. */
export function taskIdOfTextPart(part: { providerMetadata?: unknown }): string | undefined {
  const parsed = textPartMetadataSchema.safeParse(part.providerMetadata);
  return parsed.success ? parsed.data.stepstream.taskId : undefined;
}

/** Response header naming the run, so a client can stop it or find it later. */
export const RUN_ID_HEADER = "x-run-id";
