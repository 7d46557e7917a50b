import "server-only";
import type { DatabaseSync, StatementSync } from "node:sqlite";
import type { AdmissionOutcome, AdmissionRequest, LimitName, VisitorUsage } from "./quota-types";

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS quota_counts (
    key TEXT PRIMARY KEY, runs INTEGER NOT NULL DEFAULT 0, tokens INTEGER NOT NULL DEFAULT 0
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS run_slots (
    owner TEXT NOT NULL, slot INTEGER NOT NULL, run_id TEXT NOT NULL, lease_until INTEGER NOT NULL,
    PRIMARY KEY (owner, slot)
  ) WITHOUT ROWID;
`;

/** The key of one day's counts: a visitor's, a client address's, or everyone's. */
export const quotaKey = {
  visitor: (day: string, visitor: string) => `${day}#v#${visitor}`,
  client: (day: string, client: string) => `${day}#c#${client}`,
  all: (day: string) => `${day}#all`,
};

interface Counts {
  runs: number;
  tokens: number;
}

/**
 * The SQLite side of the quota counts. Admission is one IMMEDIATE transaction: every check and
 * every count happens under the database's write lock, which processes sharing the file take in
 * turn, so concurrent admissions cannot both take the last place.
 */
export class SqliteQuotas {
  readonly #transaction: <T>(work: () => T) => T;
  /** The store's statements, each prepared once: every model call adds its tokens here. */
  readonly #sql: (text: string) => StatementSync;

  constructor(db: DatabaseSync, transaction: <T>(work: () => T) => T, sql: (text: string) => StatementSync) {
    this.#transaction = transaction;
    this.#sql = sql;
    db.exec(SCHEMA);
  }

  #counts(key: string): Counts {
    return (
      (this.#sql("SELECT runs, tokens FROM quota_counts WHERE key = ?").get(key) as Counts | undefined) ?? {
        runs: 0,
        tokens: 0,
      }
    );
  }

  #add(key: string, runs: number, tokens: number): Counts {
    return this.#sql(
      `INSERT INTO quota_counts (key, runs, tokens) VALUES (?, ?, ?)
         ON CONFLICT (key) DO UPDATE SET runs = runs + excluded.runs, tokens = tokens + excluded.tokens
         RETURNING runs, tokens`,
    ).get(key, runs, tokens) as unknown as Counts;
  }

  #prunedBefore = "";

  /** Counts of days before yesterday are never read again: dropped once a day per process. */
  #prune(day: string): void {
    const yesterday = new Date(Date.parse(`${day}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    if (this.#prunedBefore === yesterday) return;
    this.#prunedBefore = yesterday;
    this.#sql("DELETE FROM quota_counts WHERE key < ?").run(yesterday);
  }

  async admitRun(request: AdmissionRequest): Promise<AdmissionOutcome> {
    const { limits, day } = request;
    return this.#transaction((): AdmissionOutcome => {
      this.#prune(day);
      const refuse = (limit: LimitName): AdmissionOutcome => ({ admitted: false, limit });
      if (limits.dailyTokens > 0 && this.#counts(quotaKey.all(day)).tokens >= limits.dailyTokens) {
        return refuse("daily_tokens");
      }
      const visitor = this.#counts(quotaKey.visitor(day, request.visitor));
      if (limits.visitorTokensPerDay > 0 && visitor.tokens >= limits.visitorTokensPerDay) {
        return refuse("visitor_tokens");
      }
      // A run going on after a pause was counted when it started: only tokens and a slot apply.
      const counting = request.countRun !== false;
      if (counting && limits.visitorRunsPerDay > 0 && visitor.runs >= limits.visitorRunsPerDay) {
        return refuse("visitor_runs");
      }
      const clientKey = quotaKey.client(day, request.client);
      if (
        counting &&
        limits.clientRunsPerDay > 0 &&
        this.#counts(clientKey).runs >= limits.clientRunsPerDay
      ) {
        return refuse("client_runs");
      }
      let slot: number | undefined;
      if (limits.visitorConcurrentRuns > 0) {
        slot = this.#freeSlot(request.visitor, limits.visitorConcurrentRuns, request.now);
        if (slot === undefined) return refuse("concurrent");
        this.#sql(
          `INSERT INTO run_slots (owner, slot, run_id, lease_until) VALUES (?, ?, ?, ?)
             ON CONFLICT (owner, slot) DO UPDATE SET run_id = excluded.run_id, lease_until = excluded.lease_until`,
        ).run(request.visitor, slot, request.runId, request.leaseUntil);
      }
      if (!counting) return slot === undefined ? { admitted: true } : { admitted: true, slot };
      this.#add(quotaKey.visitor(day, request.visitor), 1, 0);
      // An address is counted only while its limit is on, as on DynamoDB.
      if (limits.clientRunsPerDay > 0) this.#add(clientKey, 1, 0);
      return slot === undefined ? { admitted: true } : { admitted: true, slot };
    });
  }

  #freeSlot(owner: string, count: number, now: number): number | undefined {
    const held = new Set(
      (
        this.#sql("SELECT slot FROM run_slots WHERE owner = ? AND lease_until >= ?").all(owner, now) as {
          slot: number;
        }[]
      ).map((row) => row.slot),
    );
    for (let slot = 0; slot < count; slot++) if (!held.has(slot)) return slot;
    return undefined;
  }

  async releaseSlot(visitor: string, slot: number, runId: string): Promise<void> {
    this.#sql("UPDATE run_slots SET lease_until = 0 WHERE owner = ? AND slot = ? AND run_id = ?").run(
      visitor,
      slot,
      runId,
    );
  }

  async addTokens(visitor: string, day: string, tokens: number): Promise<{ visitor: number; all: number }> {
    return this.#transaction(() => ({
      visitor: this.#add(quotaKey.visitor(day, visitor), 0, tokens).tokens,
      all: this.#add(quotaKey.all(day), 0, tokens).tokens,
    }));
  }

  async readUsage(visitor: string, day: string, now: number): Promise<VisitorUsage> {
    const counts = this.#counts(quotaKey.visitor(day, visitor));
    const { running } = this.#sql(
      "SELECT count(*) AS running FROM run_slots WHERE owner = ? AND lease_until >= ?",
    ).get(visitor, now) as { running: number };
    return { ...counts, running, dailyTokens: this.#counts(quotaKey.all(day)).tokens };
  }

  async mergeUsage(from: string, to: string, day: string): Promise<void> {
    if (from === to) return;
    this.#transaction(() => {
      const counts = this.#counts(quotaKey.visitor(day, from));
      this.#add(quotaKey.visitor(day, to), counts.runs, counts.tokens);
      this.#sql("DELETE FROM quota_counts WHERE key = ?").run(quotaKey.visitor(day, from));
    });
  }
}
