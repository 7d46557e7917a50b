import "server-only";
import type { ServerEnv } from "@/lib/env";
import { defaultRunsDbPath } from "./paths";
import type { RunStore } from "./types";

type StoreEnv = Pick<
  ServerEnv,
  "RUN_STORE" | "RUNS_DB_PATH" | "RUNS_TABLE" | "DYNAMODB_ENDPOINT_URL" | "AWS_REGION" | "RUN_RETENTION_DAYS"
>;

// One store per process, kept on globalThis so a dev-server module reload reuses it.
const holder = globalThis as typeof globalThis & { __stepstreamRunStore?: Promise<RunStore> };

async function createRunStore(env: StoreEnv): Promise<RunStore> {
  if (env.RUN_STORE === "dynamodb") {
    const [{ DynamoDBClient }, { DynamoRunStore }] = await Promise.all([
      import("@aws-sdk/client-dynamodb"),
      import("./dynamodb-store"),
    ]);
    const client = new DynamoDBClient({ region: env.AWS_REGION, endpoint: env.DYNAMODB_ENDPOINT_URL });
    return new DynamoRunStore(client, env.RUNS_TABLE ?? "", env.RUN_RETENTION_DAYS * 86_400);
  }
  const { SqliteRunStore } = await import("./sqlite-store");
  return new SqliteRunStore(env.RUNS_DB_PATH ?? defaultRunsDbPath());
}

/** The process's run store, created on first use from the environment. */
export function getRunStore(env: StoreEnv): Promise<RunStore> {
  holder.__stepstreamRunStore ??= createRunStore(env).catch((error: unknown) => {
    holder.__stepstreamRunStore = undefined;
    throw error;
  });
  return holder.__stepstreamRunStore;
}

export type { RunStore } from "./types";
