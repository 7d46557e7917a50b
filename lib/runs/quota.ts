import "server-only";
import type { ServerEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { StopReason } from "./stop-reason";
import type { AdmissionLimits, LimitName } from "./store/quota-types";
import type { RunStore } from "./store/types";

type QuotaEnv = Pick<
  ServerEnv,
  | "VISITOR_RUNS_PER_DAY"
  | "VISITOR_TOKENS_PER_DAY"
  | "VISITOR_CONCURRENT_RUNS"
  | "CLIENT_RUNS_PER_DAY"
  | "DAILY_TOKEN_LIMIT"
  | "RUN_DEADLINE_MS"
>;

/** The UTC day a moment falls in, YYYY-MM-DD: what the daily limits count against. */
export function utcDay(now: number): string {
  return new Date(now).toISOString().slice(0, 10);
}

/** When the day's counts start again: the next UTC midnight. */
export function nextReset(now: number): number {
  return Date.parse(`${utcDay(now)}T00:00:00Z`) + 86_400_000;
}

export function admissionLimits(env: QuotaEnv): AdmissionLimits {
  return {
    visitorRunsPerDay: env.VISITOR_RUNS_PER_DAY,
    visitorTokensPerDay: env.VISITOR_TOKENS_PER_DAY,
    visitorConcurrentRuns: env.VISITOR_CONCURRENT_RUNS,
    clientRunsPerDay: env.CLIENT_RUNS_PER_DAY,
    dailyTokens: env.DAILY_TOKEN_LIMIT,
  };
}

/** A concurrency slot outlives the longest a run can last, then frees itself (a crashed process). */
const SLOT_MARGIN_MS = 60_000;
/** How soon to try again when only the concurrency limit refused: about when a run ends. */
const CONCURRENT_RETRY_SECONDS = 10;

const count = (value: number) => value.toLocaleString("en-US");

/** The refusal a person reads: what ran out, and when it comes back. */
function refusal(limit: LimitName, env: QuotaEnv, now: number): AppError {
  const resetsAt = nextReset(now);
  const retryAfterSeconds = Math.ceil((resetsAt - now) / 1000);
  const details = { limit, resetsAt };
  const untilMidnight = "until 00:00 UTC";
  switch (limit) {
    case "daily_tokens":
      return new AppError(
        "service_paused",
        `New runs are paused ${untilMidnight}: today's token budget for everyone is spent.`,
        { retryAfterSeconds, details },
      );
    case "visitor_tokens":
      return new AppError(
        "quota_exceeded",
        `You have used today's ${count(env.VISITOR_TOKENS_PER_DAY)} tokens; you can run again after 00:00 UTC.`,
        { retryAfterSeconds, details },
      );
    case "visitor_runs":
      return new AppError(
        "quota_exceeded",
        `You have started today's ${count(env.VISITOR_RUNS_PER_DAY)} runs; you can run again after 00:00 UTC.`,
        { retryAfterSeconds, details },
      );
    case "client_runs":
      return new AppError(
        "quota_exceeded",
        `Today's ${count(env.CLIENT_RUNS_PER_DAY)} runs from your network address are used; runs start again after 00:00 UTC.`,
        { retryAfterSeconds, details },
      );
    case "concurrent":
      return new AppError(
        "too_many_running",
        `You already have ${count(env.VISITOR_CONCURRENT_RUNS)} runs going; wait for one to finish, or stop one.`,
        { retryAfterSeconds: CONCURRENT_RETRY_SECONDS, details: { limit } },
      );
  }
}

/**
 * Counts a new run against every limit, before any model is called, or throws the refusal (429
 * quota_exceeded or too_many_running, 503 service_paused, each with Retry-After). A store that
 * cannot answer refuses the run too: no count, no run.
 */
export async function admitRun(
  store: RunStore,
  request: {
    runId: string;
    visitor: string;
    client: string;
    env: QuotaEnv;
    now?: number;
    /** False when a run goes on after a pause (it counted as a run when it started). */
    countRun?: boolean;
  },
): Promise<{ slot?: number }> {
  const now = request.now ?? Date.now();
  let outcome: Awaited<ReturnType<RunStore["admitRun"]>>;
  try {
    outcome = await store.admitRun({
      runId: request.runId,
      visitor: request.visitor,
      client: request.client,
      day: utcDay(now),
      now,
      leaseUntil: now + request.env.RUN_DEADLINE_MS + SLOT_MARGIN_MS,
      limits: admissionLimits(request.env),
      countRun: request.countRun,
    });
  } catch (error) {
    console.error("counting a new run failed", error);
    throw new AppError(
      "store_unavailable",
      "Runs cannot be counted right now, so this one was not started; try again.",
      { cause: error },
    );
  }
  if (!outcome.admitted) throw refusal(outcome.limit, request.env, now);
  return { slot: outcome.slot };
}

/**
 * A running run's share of the daily token limits. Each model call's tokens are added as they
 * are reported; once the visitor's or everyone's total for the day passes its limit, the run is
 * ended with `quota_exceeded` or `service_paused`. A run can go past a limit by at most the model
 * call that crossed it.
 */
export class RunQuota {
  #ended = false;
  #pending = new Set<Promise<unknown>>();

  constructor(
    private readonly store: RunStore,
    private readonly visitor: string,
    private readonly env: QuotaEnv,
    private readonly stop: (reason: StopReason) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** Adds tokens (without waiting); stops the run when a limit is passed. */
  charge(tokens: number): void {
    if (tokens <= 0) return;
    const counted = this.store.addTokens(this.visitor, utcDay(this.now()), tokens).then(
      (totals) => this.#check(totals),
      (error: unknown) => console.error("counting a run's tokens failed", error),
    );
    this.#pending.add(counted);
    void counted.finally(() => this.#pending.delete(counted));
  }

  /** Resolves once every charge so far is counted (and the run stopped, if one passed a limit). */
  async settled(): Promise<void> {
    await Promise.all(this.#pending);
  }

  #check(totals: { visitor: number; all: number }): void {
    if (this.#ended) return;
    const { VISITOR_TOKENS_PER_DAY: mine, DAILY_TOKEN_LIMIT: everyone } = this.env;
    if (everyone > 0 && totals.all > everyone) {
      this.#ended = true;
      this.stop(StopReason.paused(refusal("daily_tokens", this.env, this.now()).message));
    } else if (mine > 0 && totals.visitor > mine) {
      this.#ended = true;
      this.stop(
        StopReason.quota(
          `This run used the last of your ${count(mine)} tokens for today and was ended; you can run again after 00:00 UTC.`,
        ),
      );
    }
  }
}

/** What a visitor has left today, for the UI. A limit of 0 (off) leaves `limit` and `left` null. */
export async function quotaView(store: RunStore, visitor: string, env: QuotaEnv, now = Date.now()) {
  const usage = await store.readUsage(visitor, utcDay(now), now);
  const left = (limit: number, used: number) => ({
    used,
    limit: limit > 0 ? limit : null,
    left: limit > 0 ? Math.max(0, limit - used) : null,
  });
  return {
    runs: left(env.VISITOR_RUNS_PER_DAY, usage.runs),
    tokens: left(env.VISITOR_TOKENS_PER_DAY, usage.tokens),
    running: left(env.VISITOR_CONCURRENT_RUNS, usage.running),
    paused: env.DAILY_TOKEN_LIMIT > 0 && usage.dailyTokens >= env.DAILY_TOKEN_LIMIT,
    resetsAt: nextReset(now),
  };
}
