import "server-only";
import type { BaseCheckpointSaver } from "@langchain/langgraph";
import type { ServerEnv } from "@/lib/env";
import { defaultRunsDbPath } from "./store/paths";

type CheckpointEnv = Pick<
  ServerEnv,
  "RUN_STORE" | "RUNS_DB_PATH" | "RUNS_TABLE" | "DYNAMODB_ENDPOINT_URL" | "AWS_REGION" | "RUN_RETENTION_DAYS"
>;

const holder = globalThis as typeof globalThis & { __stepstreamCheckpointer?: Promise<BaseCheckpointSaver> };

/**
 * Where graphs that ask people keep their state between a pause and its resume: beside the runs,
 * in the same SQLite file or DynamoDB table, so a resume works in any process. One per process,
 * loaded on first use (like the graph runtime, never on the health check).
 */
export function checkpointerFor(env: CheckpointEnv): Promise<BaseCheckpointSaver> {
  holder.__stepstreamCheckpointer ??= createCheckpointer(env).catch((error: unknown) => {
    holder.__stepstreamCheckpointer = undefined;
    throw error;
  });
  return holder.__stepstreamCheckpointer;
}

async function createCheckpointer(env: CheckpointEnv): Promise<BaseCheckpointSaver> {
  if (env.RUN_STORE === "dynamodb") {
    const [{ DynamoDBClient }, { DynamoCheckpointer }] = await Promise.all([
      import("@aws-sdk/client-dynamodb"),
      import("./checkpoint/dynamodb-checkpointer"),
    ]);
    const client = new DynamoDBClient({ region: env.AWS_REGION, endpoint: env.DYNAMODB_ENDPOINT_URL });
    return new DynamoCheckpointer(client, env.RUNS_TABLE ?? "", env.RUN_RETENTION_DAYS * 86_400);
  }
  const { SqliteCheckpointer } = await import("./checkpoint/sqlite-checkpointer");
  return new SqliteCheckpointer(env.RUNS_DB_PATH ?? defaultRunsDbPath());
}
