// No imports: the shutdown handler loads this at start-up, and readiness must stay light.

export type StopBy = "user" | "shutdown" | "lost" | "deadline" | "budget";

/**
 * Why a run was stopped; passed as the AbortSignal's reason. A user's stop ends the run as
 * "stopped"; a shutdown or a lost claim on the run ends it as "interrupted".
 */
export class StopReason {
  readonly by: StopBy;
  readonly message: string;
  /** Where the stop came from, when known (the requester's address). */
  readonly from: string | undefined;
  readonly at: number;

  constructor(by: StopBy, message: string, from?: string, at: number = Date.now()) {
    this.by = by;
    this.message = message;
    this.from = from;
    this.at = at;
  }

  /** A shutdown or a lost claim ends the run as "interrupted", not "stopped". */
  get interrupts(): boolean {
    return this.by === "shutdown" || this.by === "lost";
  }

  /** A limit ends the run as "failed", with its own error code. */
  get limit(): "deadline_exceeded" | "budget_exceeded" | undefined {
    if (this.by === "deadline") return "deadline_exceeded";
    if (this.by === "budget") return "budget_exceeded";
    return undefined;
  }

  static byUser(from?: string, at?: number): StopReason {
    return new StopReason("user", "Stopped by the user.", from, at);
  }

  static shutdown(): StopReason {
    return new StopReason("shutdown", "The server shut down during this run; run it again.");
  }

  static deadline(ms: number): StopReason {
    return new StopReason(
      "deadline",
      `The run reached its ${Math.round(ms / 1000)}-second limit and was ended.`,
    );
  }

  static budget(tokens: number): StopReason {
    return new StopReason(
      "budget",
      `The run used its budget of ${tokens.toLocaleString("en-US")} tokens and was ended.`,
    );
  }

  static lost(): StopReason {
    return new StopReason("lost", "This run was taken over after its server went quiet; run it again.");
  }
}

const STOP_BY = new Set<StopBy>(["user", "shutdown", "lost", "deadline", "budget"]);

/**
 * Reads the StopReason back from an abort signal. Next bundles instrumentation and route handlers
 * separately, so a reason from the shutdown handler is another copy of the class: read its fields.
 */
export function stopReasonOf(reason: unknown): StopReason {
  if (reason instanceof StopReason) return reason;
  const fields = reason as Partial<StopReason> | null;
  if (
    fields &&
    typeof fields === "object" &&
    STOP_BY.has(fields.by as StopBy) &&
    typeof fields.message === "string"
  ) {
    return new StopReason(fields.by as StopBy, fields.message, fields.from, fields.at);
  }
  return new StopReason("user", "Stopped.");
}
