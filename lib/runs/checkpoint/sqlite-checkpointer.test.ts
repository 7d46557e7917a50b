import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { afterAll, describe, expect, it } from "vitest";
import { SqliteRunStore } from "@/lib/runs/store/sqlite-store";
import { type CheckpointerUnderTest, checkpointerContract, pauseReview } from "./checkpointer-contract";
import { SqliteCheckpointer } from "./sqlite-checkpointer";
import { validateCheckpointer } from "./validation-suite";

const dir = mkdtempSync(join(tmpdir(), "checkpointer-"));
const newPath = () => join(dir, randomUUID(), "runs.db");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function countStored(path: string, threadId: string): number {
  const db = new DatabaseSync(path);
  try {
    return ["graph_checkpoints", "graph_checkpoint_values", "graph_checkpoint_writes"].reduce(
      (sum, table) =>
        sum +
        Number(
          (
            db.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE thread_id = ?`).get(threadId) as {
              n: number;
            }
          ).n,
        ),
      0,
    );
  } finally {
    db.close();
  }
}

async function sqliteSubject(): Promise<CheckpointerUnderTest> {
  const path = newPath();
  const opened: SqliteCheckpointer[] = [];
  return {
    open: () => {
      const checkpointer = new SqliteCheckpointer(path);
      opened.push(checkpointer);
      return checkpointer;
    },
    countStored: async (threadId) => countStored(path, threadId),
    dispose: async () => {
      for (const checkpointer of opened) await checkpointer.close();
    },
  };
}

await validateCheckpointer({
  checkpointerName: "SqliteCheckpointer",
  createCheckpointer: () => new SqliteCheckpointer(newPath()),
  destroyCheckpointer: (checkpointer) => checkpointer.close(),
});

checkpointerContract("SQLite (node:sqlite, a file shared by several instances)", sqliteSubject);

describe("SqliteCheckpointer in the run store's file", () => {
  it("shares runs.db with the run store, leaving its tables and migrations alone", async () => {
    const path = newPath();
    const store = new SqliteRunStore(path);
    const subject = await sqliteSubject();
    const threadId = await pauseReview({ ...subject, open: () => new SqliteCheckpointer(path) });
    const reopened = new SqliteRunStore(path);
    expect(await reopened.getRun("nothing-here")).toEqual({ kind: "missing" });
    const db = new DatabaseSync(path);
    expect(db.prepare("PRAGMA user_version").get()).toEqual({ user_version: 1 });
    expect(db.prepare("PRAGMA journal_mode").get()).toEqual({ journal_mode: "wal" });
    db.close();
    expect(countStored(path, threadId)).toBeGreaterThan(0);
    await Promise.all([store.close(), reopened.close(), subject.dispose()]);
  });
});
