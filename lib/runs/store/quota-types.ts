/**
 * What the run store counts to keep spending bounded: runs and tokens per visitor and per client
 * address per UTC day, tokens of everyone per day, and each visitor's runs going at once. Every
 * count is changed atomically in the store (an SQLite transaction, a DynamoDB conditional update),
 * so a burst of concurrent requests against a limit of k admits exactly k.
 */

/** Limits for one admission; 0 turns a limit off. */
export interface AdmissionLimits {
  visitorRunsPerDay: number;
  visitorTokensPerDay: number;
  visitorConcurrentRuns: number;
  clientRunsPerDay: number;
  dailyTokens: number;
}

export interface AdmissionRequest {
  runId: string;
  visitor: string;
  /** The client's network address (CloudFront's viewer address, or the socket's). */
  client: string;
  /** The UTC day counted against, YYYY-MM-DD. */
  day: string;
  now: number;
  /** A concurrency slot held past this time is free again (its run cannot still be going). */
  leaseUntil: number;
  limits: AdmissionLimits;
  /**
   * False for a run going on after a pause: it was counted when it started, so only the token
   * limits and a concurrency slot apply.
   */
  countRun?: boolean;
}

export type LimitName = "daily_tokens" | "visitor_tokens" | "visitor_runs" | "client_runs" | "concurrent";

export type AdmissionOutcome =
  | { admitted: true /** The concurrency slot the run holds, if that limit is on. */; slot?: number }
  | { admitted: false; limit: LimitName };

/** A visitor's counts for one day. */
export interface VisitorUsage {
  runs: number;
  tokens: number;
  /** Concurrency slots held now. */
  running: number;
  /** Everyone's tokens that day. */
  dailyTokens: number;
}

export interface QuotaStore {
  /**
   * Counts a new run against every limit at once, or refuses it and counts nothing: first the
   * day's total tokens, then the visitor's tokens and runs, the client's runs, and last a
   * concurrency slot.
   */
  admitRun(request: AdmissionRequest): Promise<AdmissionOutcome>;
  /** Frees a run's concurrency slot (only if that run still holds it). */
  releaseSlot(visitor: string, slot: number, runId: string): Promise<void>;
  /** Adds a model call's tokens to the visitor's and the day's totals; returns both totals after. */
  addTokens(visitor: string, day: string, tokens: number): Promise<{ visitor: number; all: number }>;
  readUsage(visitor: string, day: string, now: number): Promise<VisitorUsage>;
  /** Adds one visitor's counts for the day to another's (a guest signing in keeps their usage). */
  mergeUsage(from: string, to: string, day: string): Promise<void>;
}
