import "server-only";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { DatabaseSync, type SQLInputValue, type StatementSync } from "node:sqlite";
import type { RunnableConfig } from "@langchain/core/runnables";
import type {
  ChannelVersions,
  Checkpoint,
  CheckpointListOptions,
  CheckpointMetadata,
  CheckpointTuple,
  PendingWrite,
  SerializerProtocol,
} from "@langchain/langgraph-checkpoint";
import {
  type CheckpointAddress,
  configOf,
  matchesFilter,
  readConfig,
  type Serialized,
  type StoredWrite,
  VersionedCheckpointSaver,
  versionKey,
} from "./versioned-saver";

/**
 * LangGraph's checkpoints in the run store's SQLite file (or any other), through `node:sqlite`.
 *
 * Layout, in tables of its own beside the run store's (created if missing; no PRAGMA user_version,
 * which the run store's migrations own):
 * - `graph_checkpoints`: one row per checkpoint, keyed (thread, namespace, id), holding the
 *   checkpoint without its channel values, its metadata, and its parent's id;
 * - `graph_checkpoint_values`: one row per (thread, namespace, channel, version) holding that
 *   channel's value. A checkpoint stores only the channels `newVersions` names, as LangGraph's
 *   Postgres saver does: a long conversation does not copy every message into every step, and a
 *   channel unchanged since an earlier checkpoint is read from the row that checkpoint wrote;
 * - `graph_checkpoint_writes`: pending writes keyed (thread, namespace, checkpoint, task, idx),
 *   with the task path LangGraph orders them by.
 * Several server processes may share the file: WAL and a busy timeout, as the run store, and each
 * put is one IMMEDIATE transaction (values, then the checkpoint), so a reader sees all of it or
 * none. Serialization happens before the transaction: no await ever runs inside one.
 */
const SCHEMA = `
  CREATE TABLE IF NOT EXISTS graph_checkpoints (
    thread_id TEXT NOT NULL, checkpoint_ns TEXT NOT NULL, checkpoint_id TEXT NOT NULL,
    parent_checkpoint_id TEXT,
    checkpoint_type TEXT NOT NULL, checkpoint BLOB NOT NULL,
    metadata_type TEXT NOT NULL, metadata BLOB NOT NULL,
    PRIMARY KEY (thread_id, checkpoint_ns, checkpoint_id)
  );
  CREATE TABLE IF NOT EXISTS graph_checkpoint_values (
    thread_id TEXT NOT NULL, checkpoint_ns TEXT NOT NULL, channel TEXT NOT NULL, version TEXT NOT NULL,
    type TEXT NOT NULL, value BLOB NOT NULL,
    PRIMARY KEY (thread_id, checkpoint_ns, channel, version)
  );
  CREATE TABLE IF NOT EXISTS graph_checkpoint_writes (
    thread_id TEXT NOT NULL, checkpoint_ns TEXT NOT NULL, checkpoint_id TEXT NOT NULL,
    task_id TEXT NOT NULL, idx INTEGER NOT NULL, task_path TEXT NOT NULL, channel TEXT NOT NULL,
    type TEXT NOT NULL, value BLOB NOT NULL,
    PRIMARY KEY (thread_id, checkpoint_ns, checkpoint_id, task_id, idx)
  );
`;

/** Checkpoints `list` reads per query: it stops reading once `limit` tuples are yielded. */
const LIST_PAGE = 50;

interface CheckpointRow {
  thread_id: string;
  checkpoint_ns: string;
  checkpoint_id: string;
  parent_checkpoint_id: string | null;
  checkpoint_type: string;
  checkpoint: Uint8Array;
  metadata_type: string;
  metadata: Uint8Array;
}

interface WriteRow {
  task_id: string;
  task_path: string;
  idx: number;
  channel: string;
  type: string;
  value: Uint8Array;
}

export class SqliteCheckpointer extends VersionedCheckpointSaver {
  readonly #db: DatabaseSync;
  readonly #statements = new Map<string, StatementSync>();

  /** `path`: the SQLite file, created with its folder if missing; the run store's runs.db will do. */
  constructor(path: string, serde?: SerializerProtocol) {
    super(serde);
    if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
    this.#db = new DatabaseSync(path);
    this.#db.exec("PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;");
    this.#db.exec(SCHEMA);
  }

  #sql(text: string): StatementSync {
    let statement = this.#statements.get(text);
    if (!statement) {
      statement = this.#db.prepare(text);
      this.#statements.set(text, statement);
    }
    return statement;
  }

  #transaction(work: () => void): void {
    this.#db.exec("BEGIN IMMEDIATE");
    try {
      work();
      this.#db.exec("COMMIT");
    } catch (error) {
      this.#db.exec("ROLLBACK");
      throw error;
    }
  }

  async getTuple(config: RunnableConfig): Promise<CheckpointTuple | undefined> {
    const { threadId, ns = "", checkpointId } = readConfig(config);
    if (!threadId) return undefined;
    const row = (
      checkpointId
        ? this.#sql(
            "SELECT * FROM graph_checkpoints WHERE thread_id = ? AND checkpoint_ns = ? AND checkpoint_id = ?",
          ).get(threadId, ns, checkpointId)
        : this.#sql(
            "SELECT * FROM graph_checkpoints WHERE thread_id = ? AND checkpoint_ns = ? ORDER BY checkpoint_id DESC LIMIT 1",
          ).get(threadId, ns)
    ) as CheckpointRow | undefined;
    if (!row) return undefined;
    return this.#tuple(row, await this.serde.loadsTyped(row.metadata_type, row.metadata));
  }

  async *list(config: RunnableConfig, options: CheckpointListOptions = {}): AsyncGenerator<CheckpointTuple> {
    const { threadId, ns, checkpointId } = readConfig(config);
    let remaining = options.limit ?? Number.POSITIVE_INFINITY;
    const conditions: string[] = [];
    const args: SQLInputValue[] = [];
    for (const [condition, value] of [
      ["thread_id = ?", threadId],
      ["checkpoint_ns = ?", ns],
      ["checkpoint_id = ?", checkpointId],
      ["checkpoint_id < ?", readConfig(options.before).checkpointId],
    ] as const) {
      if (value === undefined) continue;
      conditions.push(condition);
      args.push(value);
    }
    // Keyset pages, newest first: no statement stays open while the caller awaits between tuples.
    let after: [string, string, string] | undefined;
    while (remaining > 0) {
      const page = this.#sql(
        `SELECT * FROM graph_checkpoints WHERE ${[
          ...conditions,
          after ? "(checkpoint_id, thread_id, checkpoint_ns) < (?, ?, ?)" : "1",
        ].join(" AND ")} ORDER BY checkpoint_id DESC, thread_id DESC, checkpoint_ns DESC LIMIT ${LIST_PAGE}`,
      ).all(...args, ...(after ?? [])) as unknown as CheckpointRow[];
      for (const row of page) {
        const metadata = await this.serde.loadsTyped(row.metadata_type, row.metadata);
        if (!matchesFilter(metadata, options.filter)) continue;
        yield await this.#tuple(row, metadata);
        remaining -= 1;
        if (remaining <= 0) return;
      }
      const last = page.at(-1);
      if (!last || page.length < LIST_PAGE) return;
      after = [last.checkpoint_id, last.thread_id, last.checkpoint_ns];
    }
  }

  async put(
    config: RunnableConfig,
    checkpoint: Checkpoint,
    metadata: CheckpointMetadata,
    newVersions: ChannelVersions,
  ): Promise<RunnableConfig> {
    const stored = await this.checkpointToStore(config, checkpoint, metadata, newVersions);
    const { threadId, ns, checkpointId } = stored.address;
    this.#transaction(() => {
      // A value is stored once per version: a second put of the same version keeps the first.
      for (const value of stored.values) {
        this.#sql(
          "INSERT OR IGNORE INTO graph_checkpoint_values (thread_id, checkpoint_ns, channel, version, type, value) VALUES (?, ?, ?, ?, ?, ?)",
        ).run(threadId, ns, value.channel, value.version, value.type, value.bytes);
      }
      this.#sql(
        "INSERT OR REPLACE INTO graph_checkpoints (thread_id, checkpoint_ns, checkpoint_id, parent_checkpoint_id, checkpoint_type, checkpoint, metadata_type, metadata) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      ).run(
        threadId,
        ns,
        checkpointId,
        stored.parentId ?? null,
        stored.head.type,
        stored.head.bytes,
        stored.metadata.type,
        stored.metadata.bytes,
      );
    });
    return configOf(stored.address);
  }

  async putWrites(
    config: RunnableConfig,
    writes: PendingWrite[],
    taskId: string,
    taskPath = "",
  ): Promise<void> {
    const stored = await this.writesToStore(config, writes, taskId);
    const { threadId, ns, checkpointId } = stored.address;
    this.#transaction(() => {
      for (const write of stored.writes) {
        this.#sql(
          `INSERT OR ${write.replaces ? "REPLACE" : "IGNORE"} INTO graph_checkpoint_writes (thread_id, checkpoint_ns, checkpoint_id, task_id, idx, task_path, channel, type, value) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        ).run(
          threadId,
          ns,
          checkpointId,
          taskId,
          write.idx,
          taskPath,
          write.channel,
          write.type,
          write.bytes,
        );
      }
    });
  }

  async deleteThread(threadId: string): Promise<void> {
    this.#transaction(() => {
      for (const table of ["graph_checkpoints", "graph_checkpoint_values", "graph_checkpoint_writes"]) {
        this.#sql(`DELETE FROM ${table} WHERE thread_id = ?`).run(threadId);
      }
    });
  }

  async close(): Promise<void> {
    if (this.#db.isOpen) this.#db.close();
  }

  async #tuple(row: CheckpointRow, metadata: CheckpointMetadata): Promise<CheckpointTuple> {
    const address = { threadId: row.thread_id, ns: row.checkpoint_ns, checkpointId: row.checkpoint_id };
    const parentId = row.parent_checkpoint_id ?? undefined;
    const stored = await this.readCheckpoint(
      address,
      parentId,
      { type: row.checkpoint_type, bytes: row.checkpoint },
      metadata,
    );
    // The reads below run with no await between them, so they all see one state of the file.
    const values = Object.entries(stored.checkpoint.channel_versions).flatMap(([channel, version]) => {
      const found = this.#sql(
        "SELECT type, value AS bytes FROM graph_checkpoint_values WHERE thread_id = ? AND checkpoint_ns = ? AND channel = ? AND version = ?",
      ).get(address.threadId, address.ns, channel, versionKey(version)) as Serialized | undefined;
      return found ? [[channel, found] as [string, Serialized]] : [];
    });
    const parentWrites =
      parentId && this.needsParentWrites(stored)
        ? this.#writeRows({ ...address, checkpointId: parentId })
        : undefined;
    return this.completeTuple(stored, values, this.#writeRows(address), parentWrites);
  }

  #writeRows({ threadId, ns, checkpointId }: CheckpointAddress): StoredWrite[] {
    const rows = this.#sql(
      "SELECT task_id, task_path, idx, channel, type, value FROM graph_checkpoint_writes WHERE thread_id = ? AND checkpoint_ns = ? AND checkpoint_id = ?",
    ).all(threadId, ns, checkpointId) as unknown as WriteRow[];
    return rows.map((row) => ({
      taskId: row.task_id,
      taskPath: row.task_path,
      idx: row.idx,
      channel: row.channel,
      value: { type: row.type, bytes: row.value },
    }));
  }
}
