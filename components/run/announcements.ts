import type { RunStatus, StepStatus } from "@/lib/runs/contract";

/** A change worth telling a screen reader: a step started or ended, or the run ended. */
export type RunEvent =
  | { kind: "step-started"; name: string }
  | { kind: "step-ended"; name: string; status: StepStatus }
  | { kind: "run-ended"; status: RunStatus };

/** What the announcer remembers between renders: each task's last status, and the run's. */
export interface AnnouncedState {
  steps: ReadonlyMap<string, StepStatus>;
  run?: RunStatus;
}

interface AnnouncedStep {
  taskId: string;
  node: string;
  label?: string;
  status: StepStatus;
}

/** The least time between two announcements: a screen reader cut off mid-sentence tells nothing. */
export const ANNOUNCE_INTERVAL_MS = 1500;

/** What changed since `before`: every start and end, in the order the steps are given. */
export function runEvents(
  before: AnnouncedState,
  steps: readonly AnnouncedStep[],
  run: RunStatus | undefined,
): { events: RunEvent[]; state: AnnouncedState } {
  const events: RunEvent[] = [];
  const now = new Map<string, StepStatus>();
  for (const step of steps) {
    const name = step.label ? `${step.node} (${step.label})` : step.node;
    const was = before.steps.get(step.taskId);
    now.set(step.taskId, step.status);
    if (was === step.status) continue;
    if (step.status === "running") {
      events.push({ kind: "step-started", name });
      continue;
    }
    if (was === undefined) events.push({ kind: "step-started", name });
    events.push({ kind: "step-ended", name, status: step.status });
  }
  if (run && run !== before.run && run !== "running") events.push({ kind: "run-ended", status: run });
  return { events, state: { steps: now, run } };
}

const STEP_WORDS: Record<StepStatus, string> = {
  running: "started",
  waiting: "waiting for your answer",
  done: "done",
  failed: "failed",
  stopped: "stopped",
};

/**
 * One sentence for a batch of events, nothing left out: "lodging, activities and food started."
 * Events of the same kind (and status) are named together, in the order they first came.
 */
export function announce(events: readonly RunEvent[]): string {
  const groups = new Map<string, string[]>();
  let runEnded: RunStatus | undefined;
  for (const event of events) {
    if (event.kind === "run-ended") {
      runEnded = event.status;
      continue;
    }
    const key = event.kind === "step-started" ? "running" : event.status;
    const names = groups.get(key) ?? [];
    if (!names.includes(event.name)) names.push(event.name);
    groups.set(key, names);
  }
  const sentences = [...groups].map(
    ([status, names]) => `${listOf(names)} ${STEP_WORDS[status as StepStatus]}.`,
  );
  if (runEnded) sentences.push(`Run ${runEnded}.`);
  return sentences.join(" ");
}

function listOf(names: readonly string[]): string {
  if (names.length <= 1) return names.join("");
  return `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
}

/**
 * Holds events until an announcement may be made (at most one per `intervalMs`), then gives them
 * all as one sentence: a burst of parallel starts becomes one announcement, and none is lost.
 */
export class AnnouncementQueue {
  #pending: RunEvent[] = [];
  #lastAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly intervalMs = ANNOUNCE_INTERVAL_MS) {}

  push(events: readonly RunEvent[]): void {
    this.#pending.push(...events);
  }

  /** Milliseconds until the pending events may be announced; undefined when nothing waits. */
  wait(now: number): number | undefined {
    if (this.#pending.length === 0) return undefined;
    return Math.max(0, this.#lastAt + this.intervalMs - now);
  }

  /** The sentence to announce now, if anything waits and the interval has passed. */
  take(now: number): string | undefined {
    if (this.wait(now) !== 0) return undefined;
    const sentence = announce(this.#pending);
    this.#pending = [];
    this.#lastAt = now;
    return sentence;
  }
}
