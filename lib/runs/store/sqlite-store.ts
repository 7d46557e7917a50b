import "server-only";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { DatabaseSync, type SQLInputValue, type StatementSync } from "node:sqlite";
import type { AdmissionOutcome, AdmissionRequest, VisitorUsage } from "./quota-types";
import { SqliteQuotas } from "./sqlite-quotas";
import {
  type CloseWaitingOptions,
  type DeleteOutcome,
  type InterruptOptions,
  isFiltered,
  type ListRunsOptions,
  matchesFilters,
  ProgressConflictError,
  parseStoredRun,
  type RunListEntry,
  type RunLookup,
  type RunPage,
  type RunProgress,
  type RunStore,
  type StopOutcome,
  type StopRequest,
  type StoredEvent,
  type StoredRun,
  type StoredStep,
  stopRequestSchema,
  storedStepSchema,
  summarizeRun,
} from "./types";

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS runs (
    id TEXT PRIMARY KEY,
    created_at INTEGER NOT NULL,
    status TEXT NOT NULL,
    last_seq INTEGER NOT NULL,
    stop_request TEXT,
    data TEXT NOT NULL
  );
  CREATE TABLE IF NOT EXISTS run_events (
    run_id TEXT NOT NULL, seq INTEGER NOT NULL, json TEXT NOT NULL, PRIMARY KEY (run_id, seq)
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS run_steps (
    run_id TEXT NOT NULL, task_id TEXT NOT NULL, data TEXT NOT NULL, PRIMARY KEY (run_id, task_id)
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS shares (token TEXT PRIMARY KEY, run_id TEXT NOT NULL) WITHOUT ROWID;
`;

/**
 * Changes to a store file made by an earlier version, in order; PRAGMA user_version counts those
 * applied. 1: runs have owners, listed per owner.
 */
const MIGRATIONS = [
  `ALTER TABLE runs ADD COLUMN owner TEXT NOT NULL DEFAULT '';
   DROP INDEX IF EXISTS runs_newest_first;
   CREATE INDEX IF NOT EXISTS runs_by_owner ON runs (owner, created_at DESC, id DESC);`,
];

interface RunRow {
  id: string;
  status: string;
  last_seq: number;
  stop_request: string | null;
  data: string;
  created_at: number;
  owner: string;
}

export function encodeCursor(createdAt: number, id: string): string {
  return Buffer.from(JSON.stringify([createdAt, id])).toString("base64url");
}

export function decodeCursor(cursor: string): [number, string] | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (Array.isArray(value) && typeof value[0] === "number" && typeof value[1] === "string") {
      return [value[0], value[1]];
    }
  } catch {
    // Not a cursor of ours.
  }
  return undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * The embedded run store: one SQLite file through `node:sqlite` (no native addon). WAL mode and a
 * busy timeout let several server processes share the file; every multi-step change is one
 * IMMEDIATE transaction, so conditions and writes cannot interleave.
 */
export class SqliteRunStore implements RunStore {
  readonly kind = "sqlite" as const;
  readonly #db: DatabaseSync;
  /** Prepared once per statement: preparing costs more than running these small queries. */
  readonly #statements = new Map<string, StatementSync>();
  readonly #quotas: SqliteQuotas;

  constructor(path: string) {
    if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
    this.#db = new DatabaseSync(path);
    this.#db.exec("PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;");
    this.#db.exec(SCHEMA);
    this.#migrate();
    this.#quotas = new SqliteQuotas(
      this.#db,
      (work) => this.#transaction(work),
      (text) => this.#sql(text),
    );
  }

  #migrate(): void {
    this.#transaction(() => {
      const { user_version: applied } = this.#db.prepare("PRAGMA user_version").get() as {
        user_version: number;
      };
      for (const [index, migration] of MIGRATIONS.entries()) {
        if (index >= applied) this.#db.exec(migration);
      }
      this.#db.exec(`PRAGMA user_version = ${MIGRATIONS.length}`);
    });
  }

  #sql(text: string): StatementSync {
    let statement = this.#statements.get(text);
    if (!statement) {
      statement = this.#db.prepare(text);
      this.#statements.set(text, statement);
    }
    return statement;
  }

  #transaction<T>(work: () => T): T {
    this.#db.exec("BEGIN IMMEDIATE");
    try {
      const result = work();
      this.#db.exec("COMMIT");
      return result;
    } catch (error) {
      this.#db.exec("ROLLBACK");
      throw error;
    }
  }

  #row(runId: string): RunRow | undefined {
    return this.#sql("SELECT * FROM runs WHERE id = ?").get(runId) as RunRow | undefined;
  }

  #writeRun(run: StoredRun): void {
    this.#sql(
      "UPDATE runs SET owner = ?, status = ?, last_seq = ?, stop_request = ?, data = ? WHERE id = ?",
    ).run(
      run.owner,
      run.status,
      run.lastSeq,
      run.stopRequest ? JSON.stringify(run.stopRequest) : null,
      JSON.stringify(run),
      run.id,
    );
  }

  #readRun(row: RunRow): StoredRun {
    const entry = parseStoredRun(row.id, parseJson(row.data));
    if (entry.kind === "corrupt")
      throw new ProgressConflictError(`Run ${row.id} is unreadable: ${entry.reason}`);
    return entry.run;
  }

  async createRun(run: StoredRun): Promise<void> {
    this.#sql(
      "INSERT INTO runs (id, owner, created_at, status, last_seq, stop_request, data) VALUES (?, ?, ?, ?, ?, NULL, ?)",
    ).run(run.id, run.owner, run.createdAt, run.status, run.lastSeq, JSON.stringify(run));
  }

  async saveProgress(runId: string, progress: RunProgress): Promise<void> {
    this.#transaction(() => {
      const row = this.#row(runId);
      if (!row) throw new ProgressConflictError(`No run ${runId}`);
      if (row.status !== "running") throw new ProgressConflictError(`Run ${runId} is ${row.status}`);
      let seq = row.last_seq;
      const insertEvent = this.#sql("INSERT INTO run_events (run_id, seq, json) VALUES (?, ?, ?)");
      for (const event of progress.events) {
        if (event.seq !== seq + 1)
          throw new ProgressConflictError(`Event ${event.seq} does not follow ${seq}`);
        insertEvent.run(runId, event.seq, event.json);
        seq = event.seq;
      }
      const upsertStep = this.#sql(
        "INSERT INTO run_steps (run_id, task_id, data) VALUES (?, ?, ?) ON CONFLICT (run_id, task_id) DO UPDATE SET data = excluded.data",
      );
      for (const step of progress.steps) upsertStep.run(runId, step.taskId, JSON.stringify(step));
      const run = this.#readRun(row);
      this.#writeRun({ ...run, ...progress.run, lastSeq: seq });
    });
  }

  async getRun(runId: string): Promise<RunLookup> {
    const row = this.#row(runId);
    if (!row) return { kind: "missing" };
    const entry = parseStoredRun(row.id, parseJson(row.data));
    return entry.kind === "corrupt" ? { ...entry, owner: row.owner } : entry;
  }

  async getSteps(runId: string): Promise<StoredStep[]> {
    const rows = this.#sql("SELECT data FROM run_steps WHERE run_id = ?").all(runId) as {
      data: string;
    }[];
    return rows.flatMap((row) => {
      const parsed = storedStepSchema.safeParse(parseJson(row.data));
      return parsed.success ? [parsed.data] : [];
    });
  }

  async readEvents(runId: string, afterSeq: number, limit = 1000): Promise<StoredEvent[]> {
    return this.#sql(
      "SELECT seq, json FROM run_events WHERE run_id = ? AND seq > ? ORDER BY seq LIMIT ?",
    ).all(runId, afterSeq, limit) as unknown as StoredEvent[];
  }

  async listRuns({ owner, limit, cursor, ...filters }: ListRunsOptions): Promise<RunPage> {
    const after = cursor ? decodeCursor(cursor) : undefined;
    const where = ["owner = ?"];
    const params: SQLInputValue[] = [owner];
    if (after) {
      where.push("((created_at < ?) OR (created_at = ? AND id < ?))");
      params.push(after[0], after[0], after[1]);
    }
    if (filters.status !== undefined) {
      where.push("status = ?");
      params.push(filters.status);
    }
    if (filters.workflow !== undefined) {
      // CASE, not AND: SQLite may evaluate either side of an AND first, and json_extract throws on
      // a damaged record.
      where.push("(CASE WHEN json_valid(data) THEN json_extract(data, '$.workflow') END) = ?");
      params.push(filters.workflow);
    }
    const rows = this.#sql(
      `SELECT * FROM runs WHERE ${where.join(" AND ")} ORDER BY created_at DESC, id DESC LIMIT ?`,
    ).all(...params, limit + 1) as unknown as RunRow[];
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    const entries = page.map((row): RunListEntry => {
      const entry = parseStoredRun(row.id, parseJson(row.data));
      return entry.kind === "found" ? { kind: "found", run: summarizeRun(entry.run) } : entry;
    });
    return {
      entries: isFiltered(filters)
        ? entries.filter((entry) => entry.kind === "found" && matchesFilters(entry.run, filters))
        : entries,
      nextCursor: rows.length > limit && last ? encodeCursor(last.created_at, last.id) : undefined,
    };
  }

  async shareRun(runId: string, owner: string, token: string): Promise<string | undefined> {
    return this.#transaction(() => {
      const row = this.#row(runId);
      if (!row || row.owner !== owner) return undefined;
      const run = this.#readRun(row);
      if (run.shareToken) return run.shareToken;
      this.#sql("INSERT INTO shares (token, run_id) VALUES (?, ?)").run(token, runId);
      this.#writeRun({ ...run, shareToken: token });
      return token;
    });
  }

  async unshareRun(runId: string, owner: string): Promise<boolean> {
    return this.#transaction(() => {
      const row = this.#row(runId);
      if (!row || row.owner !== owner) return false;
      this.#sql("DELETE FROM shares WHERE run_id = ?").run(runId);
      this.#writeRun({ ...this.#readRun(row), shareToken: undefined });
      return true;
    });
  }

  async findSharedRun(token: string): Promise<string | undefined> {
    const row = this.#sql("SELECT run_id FROM shares WHERE token = ?").get(token) as
      | { run_id: string }
      | undefined;
    return row?.run_id;
  }

  async reassignRuns(from: string, to: string): Promise<number> {
    return this.#transaction(() => {
      const rows = this.#sql("SELECT * FROM runs WHERE owner = ?").all(from) as unknown as RunRow[];
      for (const row of rows) {
        const entry = parseStoredRun(row.id, parseJson(row.data));
        if (entry.kind === "found") this.#writeRun({ ...entry.run, owner: to });
        else this.#sql("UPDATE runs SET owner = ? WHERE id = ?").run(to, row.id);
      }
      return rows.length;
    });
  }

  admitRun(request: AdmissionRequest): Promise<AdmissionOutcome> {
    return this.#quotas.admitRun(request);
  }

  releaseSlot(visitor: string, slot: number, runId: string): Promise<void> {
    return this.#quotas.releaseSlot(visitor, slot, runId);
  }

  addTokens(visitor: string, day: string, tokens: number): Promise<{ visitor: number; all: number }> {
    return this.#quotas.addTokens(visitor, day, tokens);
  }

  readUsage(visitor: string, day: string, now: number): Promise<VisitorUsage> {
    return this.#quotas.readUsage(visitor, day, now);
  }

  mergeUsage(from: string, to: string, day: string): Promise<void> {
    return this.#quotas.mergeUsage(from, to, day);
  }

  async requestStop(runId: string, request: StopRequest): Promise<StopOutcome> {
    return this.#transaction(() => {
      const row = this.#row(runId);
      if (!row) return "missing";
      if (row.status !== "running") return "finished";
      if (row.stop_request) return "already_requested";
      this.#writeRun({ ...this.#readRun(row), stopRequest: request });
      return "requested";
    });
  }

  async readStopRequest(runId: string): Promise<StopRequest | undefined> {
    const row = this.#sql("SELECT stop_request FROM runs WHERE id = ?").get(runId) as
      | { stop_request: string | null }
      | undefined;
    if (!row?.stop_request) return undefined;
    const parsed = stopRequestSchema.safeParse(parseJson(row.stop_request));
    return parsed.success ? parsed.data : undefined;
  }

  async markInterrupted(runId: string, options: InterruptOptions): Promise<boolean> {
    return this.#transaction(() => {
      const row = this.#row(runId);
      if (row?.status !== "running" || row.last_seq !== options.expectedLastSeq) return false;
      const run = this.#readRun(row);
      if (run.heartbeatAt >= options.staleBefore) return false;
      const insert = this.#sql("INSERT INTO run_events (run_id, seq, json) VALUES (?, ?, ?)");
      let seq = row.last_seq;
      for (const event of options.events) {
        if (event.seq !== seq + 1) return false;
        insert.run(runId, event.seq, event.json);
        seq = event.seq;
      }
      this.#writeRun({
        ...run,
        status: "interrupted",
        endedAt: options.at,
        error: options.error,
        lastSeq: seq,
      });
      return true;
    });
  }

  async resumeRun(
    runId: string,
    options: { heartbeatAt: number },
  ): Promise<
    { kind: "resumed"; run: StoredRun } | { kind: "missing" } | { kind: "not_waiting"; status: string }
  > {
    return this.#transaction(() => {
      const row = this.#row(runId);
      if (!row) return { kind: "missing" as const };
      if (row.status !== "waiting") return { kind: "not_waiting" as const, status: row.status };
      const run = this.#readRun(row);
      const next: StoredRun = {
        ...run,
        status: "running",
        heartbeatAt: options.heartbeatAt,
        segments: (run.segments ?? 0) + 1,
        waitingSince: undefined,
        questions: undefined,
        stopRequest: undefined,
      };
      this.#writeRun(next);
      return { kind: "resumed" as const, run: next };
    });
  }

  async closeWaitingRun(runId: string, options: CloseWaitingOptions): Promise<boolean> {
    return this.#transaction(() => {
      const row = this.#row(runId);
      if (row?.status !== "waiting" || row.last_seq !== options.expectedLastSeq) return false;
      if (options.events.some((event, index) => event.seq !== row.last_seq + 1 + index)) return false;
      const insert = this.#sql("INSERT INTO run_events (run_id, seq, json) VALUES (?, ?, ?)");
      for (const event of options.events) insert.run(runId, event.seq, event.json);
      const lastSeq = options.events.at(-1)?.seq ?? row.last_seq;
      this.#writeRun({ ...this.#readRun(row), ...options.patch, lastSeq });
      return true;
    });
  }

  async deleteRun(runId: string): Promise<DeleteOutcome> {
    return this.#transaction(() => {
      const row = this.#row(runId);
      if (!row) return "missing";
      if (row.status === "running") return "running";
      this.#sql("DELETE FROM run_events WHERE run_id = ?").run(runId);
      this.#sql("DELETE FROM run_steps WHERE run_id = ?").run(runId);
      this.#sql("DELETE FROM shares WHERE run_id = ?").run(runId);
      this.#sql("DELETE FROM runs WHERE id = ?").run(runId);
      return "deleted";
    });
  }

  async close(): Promise<void> {
    if (this.#db.isOpen) this.#db.close();
  }
}
