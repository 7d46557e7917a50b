import "server-only";
import { type RunPart, type StepPart, taskIdOfPart } from "./contract";
import type { LoggedChunk } from "./run-log";
import {
  ProgressConflictError,
  type RunPatch,
  type RunStore,
  type StopRequest,
  type StoredEvent,
  type StoredStep,
} from "./store/types";

/** Event JSON (UTF-16 units) in one save: a few DynamoDB items, well under a second to write. */
const MAX_SAVE_UNITS = 1_000_000;

export interface RunRecorderOptions {
  store: RunStore;
  runId: string;
  /** How often progress and liveness are written (about once a second). */
  intervalMs: number;
  /**
   * A node's end is written at once, unless a save started less than this long ago: then it goes
   * when this much has passed, with every other end and part by then. Parallel branches ending
   * together, or a fast graph's nodes, take one save instead of one each.
   */
  stepEndGapMs: number;
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
 * one at a node's end, never one per token), each node task's state and output, the run's own
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
  #writing: Promise<boolean> = Promise.resolve(true);
  #queued: Promise<boolean> | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;
  /** The save a node's end asked for, held until the gap after the last save has passed. */
  #stepEndSave: ReturnType<typeof setTimeout> | undefined;
  /** When the last save started (monotonic clock). */
  #lastSaveAt = Number.NEGATIVE_INFINITY;
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

  /** Takes one logged part; a node's end is written soon (stepEndGapMs), everything else on the next tick. */
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
        usageEstimated: part.usageEstimated,
        costUsd: part.costUsd,
        error: part.error,
        attempt: part.attempt,
        output: previous?.output ?? "",
      });
      this.#dirtySteps.add(part.taskId);
      if (part.status !== "running") this.#saveStepEnd();
    } else if (chunk.type === "text-start") {
      const taskId = taskIdOfPart(chunk);
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
   * Writes everything left plus the terminal part (none when the run pauses for a person) and the
   * run's final status, then stops ticking. Resolves once it is stored (or could not be: a run
   * left running then shows as interrupted later).
   */
  async finish(terminal: LoggedChunk | undefined, final: RunPatch): Promise<void> {
    this.#stopTimer();
    if (terminal) this.#pending.push({ seq: terminal.seq, json: terminal.json });
    this.#patch = { ...this.#patch, ...final };
    // A store that is briefly away gets about six seconds to come back, backing off, before the
    // run is left to show as interrupted: its whole transcript is worth that wait. A long backlog
    // takes several saves, each one a success, not a failure to back off from.
    let failures = 0;
    for (;;) {
      if (await this.#flush()) {
        if (this.#pending.length === 0) return;
        continue;
      }
      if (this.#lost || failures >= 6) return;
      await new Promise((resolve) => setTimeout(resolve, 200 * 2 ** failures));
      failures += 1;
    }
  }

  /** Stops ticking without writing (the run could not be recorded at all). */
  dispose(): void {
    this.#stopTimer();
  }

  #saveStepEnd(): void {
    if (this.#stepEndSave || !this.#timer) return;
    const wait = this.#lastSaveAt + this.#options.stepEndGapMs - performance.now();
    if (wait <= 0) {
      void this.#flush();
      return;
    }
    this.#stepEndSave = setTimeout(() => {
      this.#stepEndSave = undefined;
      void this.#flush();
    }, wait);
    this.#stepEndSave.unref?.();
  }

  #stopTimer(): void {
    if (this.#timer) clearInterval(this.#timer);
    if (this.#stepEndSave) clearTimeout(this.#stepEndSave);
    this.#stepEndSave = undefined;
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
  #flush(): Promise<boolean> {
    if (this.#queued) return this.#queued;
    const next = this.#writing.then(() => {
      this.#queued = undefined;
      return this.#write();
    });
    this.#queued = next;
    this.#writing = next;
    return next;
  }

  /**
   * Saves what is pending, at most about MAX_SAVE_UNITS of events at a time, so that a long
   * backlog never holds liveness back for longer than one bounded save: the rest follows at once.
   * Returns whether the save succeeded.
   */
  async #write(): Promise<boolean> {
    if (this.#lost) return false;
    this.#lastSaveAt = performance.now();
    // This save takes everything pending, so a node's end held for a later one is in it too.
    if (this.#stepEndSave) clearTimeout(this.#stepEndSave);
    this.#stepEndSave = undefined;
    const events = this.#takeEvents();
    const whole = this.#pending.length === 0;
    const steps = [...this.#dirtySteps].flatMap((id) => {
      const step = this.#steps.get(id);
      return step ? [{ ...step }] : [];
    });
    // The run's final status goes only with its last events: a store must not see it ended early.
    const { status, endedAt, stoppedBy, ...ongoing } = this.#patch;
    const patch = whole
      ? { ...this.#patch, heartbeatAt: this.#now() }
      : { ...ongoing, heartbeatAt: this.#now() };
    this.#dirtySteps.clear();
    try {
      await this.#options.store.saveProgress(this.#options.runId, { events, steps, run: patch });
    } catch (error) {
      if (error instanceof ProgressConflictError) {
        this.#lost = true;
        this.#stopTimer();
        this.#options.onLost();
        return false;
      }
      console.error("saving run progress failed; retrying with the next write", error);
      this.#pending = [...events, ...this.#pending];
      for (const step of steps) this.#dirtySteps.add(step.taskId);
      return false;
    }
    if (!whole && this.#timer) void this.#flush();
    return true;
  }

  #takeEvents(): StoredEvent[] {
    let units = 0;
    let count = 0;
    while (count < this.#pending.length && (count === 0 || units < MAX_SAVE_UNITS)) {
      units += this.#pending[count]?.json.length ?? 0;
      count += 1;
    }
    return this.#pending.splice(0, count);
  }
}
