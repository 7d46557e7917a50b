import "server-only";
import { type RunPart, type StepPart, taskIdOfTextPart } from "./contract";
import type { LoggedChunk } from "./run-log";
import {
  ProgressConflictError,
  type RunPatch,
  type RunStore,
  type StopRequest,
  type StoredEvent,
  type StoredStep,
} from "./store/types";

export interface RunRecorderOptions {
  store: RunStore;
  runId: string;
  /** How often progress and liveness are written (about once a second). */
  intervalMs: number;
  /** How often the store is asked, with one cheap read, whether someone wants the run stopped. */
  stopPollMs: number;
  /** Someone asked the store to stop this run (from any process). */
  onStopRequested: (request: StopRequest) => void;
  /** The store refused our writes: another process has ended this run. */
  onLost: () => void;
  now?: () => number;
}

/**
 * Writes a running run to the durable store: its events in batches (one write per interval and
 * one at every node's end, never one per token), each node task's state and output, the run's own
 * fields, and a liveness timestamp. It also polls the store for a stop request (one cheap read),
 * so a stop recorded by any process reaches the run within one poll interval.
 */
export class RunRecorder {
  readonly #options: RunRecorderOptions;
  readonly #now: () => number;
  #pending: StoredEvent[] = [];
  #steps = new Map<string, StoredStep>();
  #dirtySteps = new Set<string>();
  #textTask = new Map<string, string>();
  #patch: RunPatch = {};
  #writing: Promise<void> = Promise.resolve();
  #queued: Promise<void> | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;
  #stopPoller: ReturnType<typeof setInterval> | undefined;
  #stopSeen = false;
  #lost = false;

  constructor(options: RunRecorderOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#timer = setInterval(() => void this.#flush(), options.intervalMs);
    this.#timer.unref?.();
    this.#stopPoller = setInterval(() => this.#pollStop(), options.stopPollMs);
    this.#stopPoller.unref?.();
  }

  /** Takes one logged part; a node's end is written at once, everything else on the next tick. */
  add(entry: LoggedChunk): void {
    this.#pending.push({ seq: entry.seq, json: entry.json });
    const { chunk } = entry;
    if (chunk.type === "data-step") {
      const part = chunk.data as StepPart;
      const previous = this.#steps.get(part.taskId);
      this.#steps.set(part.taskId, {
        taskId: part.taskId,
        node: part.node,
        label: part.label,
        status: part.status,
        startedAt: part.startedAt,
        endedAt: part.endedAt,
        usage: part.usage,
        costUsd: part.costUsd,
        error: part.error,
        attempt: part.attempt,
        output: previous?.output ?? "",
      });
      this.#dirtySteps.add(part.taskId);
      if (part.status !== "running") this.#flush();
    } else if (chunk.type === "text-start") {
      const taskId = taskIdOfTextPart(chunk);
      if (taskId) {
        this.#textTask.set(chunk.id, taskId);
        // A task's new text part is a retried attempt: its output starts afresh.
        const step = this.#steps.get(taskId);
        if (step) step.output = "";
      }
    } else if (chunk.type === "text-delta") {
      const step = this.#steps.get(this.#textTask.get(chunk.id) ?? chunk.id);
      if (step) {
        step.output += chunk.delta;
        this.#dirtySteps.add(step.taskId);
      }
    } else if (chunk.type === "data-run") {
      const run = chunk.data as RunPart;
      this.#patch = {
        ...this.#patch,
        ...(run.usage ? { usage: run.usage } : {}),
        ...(run.costUsd !== undefined ? { costUsd: run.costUsd } : {}),
        ...(run.error ? { error: run.error } : {}),
      };
    }
  }

  /**
   * Writes everything left plus the terminal part and the run's final status, then stops ticking.
   * Resolves once it is stored (or could not be: the run then shows as interrupted later).
   */
  async finish(terminal: LoggedChunk, final: RunPatch): Promise<void> {
    this.#stopTimer();
    this.#pending.push({ seq: terminal.seq, json: terminal.json });
    this.#patch = { ...this.#patch, ...final };
    // A store that is briefly away gets about six seconds to come back, backing off, before the
    // run is left to show as interrupted: its whole transcript is worth that wait.
    for (let attempt = 0; attempt < 6; attempt++) {
      await this.#flush();
      if (this.#pending.length === 0 || this.#lost) return;
      await new Promise((resolve) => setTimeout(resolve, 200 * 2 ** attempt));
    }
  }

  /** Stops ticking without writing (the run could not be recorded at all). */
  dispose(): void {
    this.#stopTimer();
  }

  #stopTimer(): void {
    if (this.#timer) clearInterval(this.#timer);
    if (this.#stopPoller) clearInterval(this.#stopPoller);
    this.#timer = undefined;
    this.#stopPoller = undefined;
  }

  #pollStop(): void {
    if (this.#stopSeen || this.#lost) return;
    this.#options.store.readStopRequest(this.#options.runId).then(
      (request) => {
        if (request && !this.#stopSeen) {
          this.#stopSeen = true;
          this.#options.onStopRequested(request);
        }
      },
      (error: unknown) => console.error("reading the stop request failed", error),
    );
  }

  /**
   * One write at a time, in order; a failed write keeps its data for the next one. At most one
   * write waits behind the one under way (it takes everything pending when it starts), so a slow
   * store gets fewer, larger writes instead of a queue that grows and a heartbeat that lags.
   */
  #flush(): Promise<void> {
    if (this.#queued) return this.#queued;
    const next = this.#writing.then(() => {
      this.#queued = undefined;
      return this.#write();
    });
    this.#queued = next;
    this.#writing = next;
    return next;
  }

  async #write(): Promise<void> {
    if (this.#lost) return;
    const events = this.#pending;
    const steps = [...this.#dirtySteps].flatMap((id) => {
      const step = this.#steps.get(id);
      return step ? [{ ...step }] : [];
    });
    const patch = { ...this.#patch, heartbeatAt: this.#now() };
    this.#pending = [];
    this.#dirtySteps.clear();
    try {
      await this.#options.store.saveProgress(this.#options.runId, { events, steps, run: patch });
    } catch (error) {
      if (error instanceof ProgressConflictError) {
        this.#lost = true;
        this.#stopTimer();
        this.#options.onLost();
        return;
      }
      console.error("saving run progress failed; retrying with the next write", error);
      this.#pending = [...events, ...this.#pending];
      for (const step of steps) this.#dirtySteps.add(step.taskId);
    }
  }
}
