import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { runStoreContract, type StoreUnderTest } from "./contract-suite";
import { quotaStoreContract } from "./quota-contract-suite";
import { SqliteRunStore } from "./sqlite-store";

async function sqliteSubject(): Promise<StoreUnderTest> {
  const dir = mkdtempSync(join(tmpdir(), "run-store-"));
  const path = join(dir, "nested", "runs.db");
  const siblings: SqliteRunStore[] = [];
  const store = new SqliteRunStore(path);
  return {
    store,
    sibling: () => {
      const sibling = new SqliteRunStore(path);
      siblings.push(sibling);
      return sibling;
    },
    corrupt: async (runId) => {
      const db = new DatabaseSync(path);
      db.prepare("UPDATE runs SET data = ? WHERE id = ?").run('{"id": "half a rec', runId);
      db.close();
    },
    dispose: async () => {
      await store.close();
      for (const sibling of siblings) await sibling.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

runStoreContract("SQLite (node:sqlite, a file shared by two connections)", sqliteSubject);
quotaStoreContract("SQLite (node:sqlite, a file shared by two connections)", sqliteSubject);
