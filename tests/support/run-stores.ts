import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DynamoRunStore } from "@/lib/runs/store/dynamodb-store";
import { SqliteRunStore } from "@/lib/runs/store/sqlite-store";
import type { RunStore } from "@/lib/runs/store/types";
import { type LocalDynamo, startDynalite } from "./dynalite";

/** A run store that one or more server processes share, as Lambda instances share the table. */
export interface SharedStore {
  /** What a server needs in its environment to use this store. */
  env: Record<string, string>;
  /** A store client of the test's own, to read what the servers wrote. */
  open: () => RunStore;
  /** Requests DynamoDB would have refused (always none for SQLite). */
  refusals: () => unknown[];
  close: () => Promise<void>;
}

async function sqliteStore(): Promise<SharedStore> {
  const dbPath = join(mkdtempSync(join(tmpdir(), "stepstream-shared-runs-")), "runs.db");
  return {
    env: { RUNS_DB_PATH: dbPath },
    open: () => new SqliteRunStore(dbPath),
    refusals: () => [],
    close: async () => undefined,
  };
}

let tables = 0;

async function dynamoStore(): Promise<SharedStore> {
  const dynamo: LocalDynamo = await startDynalite();
  const table = `runs-${++tables}`;
  await dynamo.createRunsTable(table);
  return {
    env: {
      RUN_STORE: "dynamodb",
      RUNS_TABLE: table,
      DYNAMODB_ENDPOINT_URL: dynamo.endpoint,
      AWS_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: "AKIDLOCALSTORE",
      AWS_SECRET_ACCESS_KEY: "local",
      // Deployed, every instance signs sessions with the one AuthSecret; so do these servers.
      AUTH_SECRET: randomBytes(32).toString("base64url"),
    },
    open: () => new DynamoRunStore(dynamo.client(), table, 86_400),
    refusals: () => dynamo.refusals,
    close: () => dynamo.stop(),
  };
}

/**
 * Both stores the app runs on, for `describe.each`: the SQLite file a laptop uses, and DynamoDB as
 * deployed (dynalite behind the strict layer that refuses what the real service refuses).
 */
export const RUN_STORES = [
  ["SQLite", sqliteStore],
  ["DynamoDB", dynamoStore],
] as const satisfies readonly (readonly [string, () => Promise<SharedStore>])[];
