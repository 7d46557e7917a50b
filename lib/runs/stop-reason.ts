// No imports: the shutdown handler loads this at start-up, and readiness must stay light.

export type StopBy = "user" | "shutdown" | "lost" | "deadline" | "budget" | "quota" | "paused";

/**
 * Why a run was stopped; passed as the AbortSignal's reason. A user's stop ends the run as
 * "stopped"; a shutdown or a lost claim on the run ends it as "interrupted".
 */
export class StopReason {
  readonly by: StopBy;
  readonly message: string;
  readonly at: number;

  constructor(by: StopBy, message: string, at: number = Date.now()) {
    this.by = by;
    this.message = message;
    this.at = at;
  }

  /** A shutdown or a lost claim ends the run as "interrupted", not "stopped". */
  get interrupts(): boolean {
    return this.by === "shutdown" || this.by === "lost";
  }

  /** A limit ends the run as "failed", with its own error code. */
  get limit(): "deadline_exceeded" | "budget_exceeded" | "quota_exceeded" | "service_paused" | undefined {
    if (this.by === "deadline") return "deadline_exceeded";
    if (this.by === "budget") return "budget_exceeded";
    if (this.by === "quota") return "quota_exceeded";
    if (this.by === "paused") return "service_paused";
    return undefined;
  }

  static byUser(at?: number): StopReason {
    return new StopReason("user", "Stopped by the user.", at);
  }

  /** The visitor's tokens for the day ran out during the run. */
  static quota(message: string): StopReason {
    return new StopReason("quota", message);
  }

  /** Everyone's tokens for the day ran out during the run. */
  static paused(message: string): StopReason {
    return new StopReason("paused", message);
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

const STOP_BY = new Set<StopBy>(["user", "shutdown", "lost", "deadline", "budget", "quota", "paused"]);

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
    return new StopReason(fields.by as StopBy, fields.message, fields.at);
  }
  return new StopReason("user", "Stopped.");
}
