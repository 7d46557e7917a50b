import { z } from "zod";
import { interruptPartSchema, runPartSchema, runStatusSchema, stepPartSchema } from "../contract";
import type { QuotaStore } from "./quota-types";

/**
 * What a durable run store keeps: the run, each node task's state and output, and the run's
 * stream events with their sequence numbers. SQLite (embedded) and DynamoDB implement it, and one
 * contract test suite runs against both.
 */

/**
 * A run's lifecycle in the store, as the stream's `data-run` says it: "interrupted", its process
 * died or shut down mid-run; "waiting", paused for a person's answer; "expired", nobody answered.
 */
export const storedRunStatusSchema = runStatusSchema;
export type StoredRunStatus = z.infer<typeof storedRunStatusSchema>;

export const stopRequestSchema = z.object({
  /** Who asked: "user" (the stop button or API), "shutdown", "deadline", "budget". */
  by: z.string(),
  at: z.number(),
});
export type StopRequest = z.infer<typeof stopRequestSchema>;

/** The run as stored: the stream's `data-run` fields, plus who owns it and what keeps it going. */
export const storedRunSchema = runPartSchema
  .pick({ workflow: true, model: true, status: true, endedAt: true, usage: true, costUsd: true, error: true })
  .extend({
    id: z.string(),
    /** The visitor (or signed-in user) who started the run; only they may see or change it. */
    owner: z.string().default(""),
    input: z.string(),
    createdAt: z.number(),
    /** The last time the process running the run wrote to the store: its liveness. */
    heartbeatAt: z.number(),
    /** The highest event sequence number stored. */
    lastSeq: z.number().int().nonnegative(),
    /** When it paused for a person's answer (it expires after RUN_WAITING_TIMEOUT_MS). */
    waitingSince: z.number().optional(),
    /** While it waits: the questions it asked (the stream's `data-interrupt` parts). */
    questions: z.array(interruptPartSchema).optional(),
    /** How many times it has been resumed after a pause. */
    segments: z.number().int().nonnegative().optional(),
    stopRequest: stopRequestSchema.optional(),
    /** Who stopped the run and when, once it stopped. */
    stoppedBy: stopRequestSchema.optional(),
    /** The token of the run's read-only share link, while it is shared. */
    shareToken: z.string().optional(),
  });
export type StoredRun = z.infer<typeof storedRunSchema>;

/** The longest task a history list shows; the run page shows all of it. */
export const LISTED_INPUT_CHARS = 200;

/** What a history list shows of a run: everything but what only the run itself needs. */
export const runSummarySchema = storedRunSchema.omit({
  stopRequest: true,
  stoppedBy: true,
  shareToken: true,
});
export type RunSummary = z.infer<typeof runSummarySchema>;

/** A run as its history entry: the task cut to LISTED_INPUT_CHARS. */
export function summarizeRun(run: StoredRun): RunSummary {
  const { stopRequest: _stop, stoppedBy: _stopped, shareToken: _share, ...summary } = run;
  return { ...summary, input: run.input.slice(0, LISTED_INPUT_CHARS) };
}

/** A node task as stored: the stream's `data-step` fields, plus the text it streamed. */
export const storedStepSchema = stepPartSchema
  .pick({
    taskId: true,
    node: true,
    parentTaskId: true,
    label: true,
    status: true,
    startedAt: true,
    endedAt: true,
    usage: true,
    usageEstimated: true,
    costUsd: true,
    error: true,
    attempt: true,
  })
  .extend({
    /** The task's streamed text (of its last attempt), whole unless `outputTruncated`. */
    output: z.string(),
    /** The store kept only the beginning of a very long output; the run's events hold all of it. */
    outputTruncated: z.boolean().optional(),
  });
export type StoredStep = z.infer<typeof storedStepSchema>;

/** One stream event as sent: its sequence number and its JSON. */
export interface StoredEvent {
  seq: number;
  json: string;
}

/** The fields of a run that change while it runs. */
export type RunPatch = Partial<
  Pick<
    StoredRun,
    | "status"
    | "heartbeatAt"
    | "endedAt"
    | "usage"
    | "costUsd"
    | "error"
    | "stoppedBy"
    | "waitingSince"
    | "questions"
  >
>;

/** One write of progress: new events (contiguous after the stored ones), changed steps, run fields. */
export interface RunProgress {
  events: StoredEvent[];
  steps: StoredStep[];
  run: RunPatch;
}

export type RunLookup =
  | { kind: "found"; run: StoredRun }
  | { kind: "missing" }
  /** `owner` where the store keeps it apart from the damaged record. */
  | { kind: "corrupt"; id: string; reason: string; owner?: string };

export type RunListEntry =
  | { kind: "found"; run: RunSummary }
  | { kind: "corrupt"; id: string; reason: string };

/** What a history list may be narrowed to; a field left out does not narrow it. */
export interface RunListFilters {
  workflow?: string;
  status?: StoredRunStatus;
}

export interface ListRunsOptions extends RunListFilters {
  owner: string;
  limit: number;
  /** A page's `nextCursor`, valid only with the filters that page was listed with. */
  cursor?: string;
}

/** Whether any filter is set: a filtered list leaves out the records it cannot read. */
export function isFiltered(filters: RunListFilters): boolean {
  return filters.workflow !== undefined || filters.status !== undefined;
}

/** Whether a run belongs in a list narrowed by these filters. */
export function matchesFilters(
  run: Pick<RunSummary, "workflow" | "status">,
  filters: RunListFilters,
): boolean {
  return (
    (filters.workflow === undefined || run.workflow === filters.workflow) &&
    (filters.status === undefined || run.status === filters.status)
  );
}

export interface RunPage {
  entries: RunListEntry[];
  /** Pass back as `cursor` for the next (older) page; absent on the last page. */
  nextCursor?: string;
}

export type StopOutcome = "requested" | "already_requested" | "finished" | "missing";
export type DeleteOutcome = "deleted" | "running" | "missing";

export interface RunStore extends QuotaStore {
  readonly kind: "sqlite" | "dynamodb";
  /** Records a new run (status running, lastSeq 0). Fails if the id exists. */
  createRun(run: StoredRun): Promise<void>;
  /**
   * Stores progress in one write: events must continue the stored sequence exactly (a gap or an
   * overlap is refused), and nothing is accepted for a run that is no longer running.
   */
  saveProgress(runId: string, progress: RunProgress): Promise<void>;
  getRun(runId: string): Promise<RunLookup>;
  getSteps(runId: string): Promise<StoredStep[]>;
  /** Events with seq > afterSeq, in order, at most `limit`. */
  readEvents(runId: string, afterSeq: number, limit?: number): Promise<StoredEvent[]>;
  /**
   * One owner's runs, newest first, narrowed by the filters when given. A filtered page may hold
   * fewer than `limit` runs (or none) and still have a `nextCursor`: follow it to the end.
   */
  listRuns(options: ListRunsOptions): Promise<RunPage>;
  /**
   * Gives a run a share token (kept if it has one), only if `owner` owns it. Returns the token, or
   * undefined for a run that does not exist or is someone else's.
   */
  shareRun(runId: string, owner: string, token: string): Promise<string | undefined>;
  /** Revokes a run's share link; false for a run that does not exist or is someone else's. */
  unshareRun(runId: string, owner: string): Promise<boolean>;
  /** The run a share token opens, while the link stands. */
  findSharedRun(token: string): Promise<string | undefined>;
  /** Gives every run of one owner to another (a guest who signs in keeps their runs). */
  reassignRuns(from: string, to: string): Promise<number>;
  requestStop(runId: string, request: StopRequest): Promise<StopOutcome>;
  /** The cheap read a running run polls: has anyone asked it to stop? */
  readStopRequest(runId: string): Promise<StopRequest | undefined>;
  /**
   * Ends a run whose process is gone: appends its closing events (the last one terminal) and sets
   * status interrupted, but only if it is still running, its stored events end at
   * `expectedLastSeq` and it has been silent since before `staleBefore`. Returns whether it did
   * (another reader may have done it first).
   */
  markInterrupted(runId: string, options: InterruptOptions): Promise<boolean>;
  /**
   * Takes a waiting run up again (status waiting → running, once: of two racing resumes one
   * wins). Returns the run as it now stands, or why not.
   */
  resumeRun(
    runId: string,
    options: { heartbeatAt: number },
  ): Promise<
    { kind: "resumed"; run: StoredRun } | { kind: "missing" } | { kind: "not_waiting"; status: string }
  >;
  /**
   * Ends a waiting run (stopped, or expired) with its closing events, the last one terminal, if
   * it is still waiting and its events end at `expectedLastSeq`. Returns whether it did.
   */
  closeWaitingRun(runId: string, options: CloseWaitingOptions): Promise<boolean>;
  /** Deletes a finished run with its steps and events; a running run is refused. */
  deleteRun(runId: string): Promise<DeleteOutcome>;
  close(): Promise<void>;
}

export interface CloseWaitingOptions {
  expectedLastSeq: number;
  events: StoredEvent[];
  patch: RunPatch;
}

export interface InterruptOptions {
  expectedLastSeq: number;
  staleBefore: number;
  /** Contiguous from expectedLastSeq + 1; the last one is the terminal event. */
  events: StoredEvent[];
  at: number;
  error: StoredRun["error"];
}

/** Thrown when progress does not continue the stored sequence, or the run has ended. */
export class ProgressConflictError extends Error {
  override name = "ProgressConflictError";
}

/** Validates a stored record, naming what is wrong instead of throwing. */
export function parseStoredRun(
  id: string,
  value: unknown,
): { kind: "found"; run: StoredRun } | { kind: "corrupt"; id: string; reason: string } {
  const parsed = storedRunSchema.safeParse(value);
  if (parsed.success) return { kind: "found", run: parsed.data };
  const issue = parsed.error.issues[0];
  return {
    kind: "corrupt",
    id,
    reason: issue ? `${issue.path.join(".") || "record"}: ${issue.message}` : "invalid",
  };
}
