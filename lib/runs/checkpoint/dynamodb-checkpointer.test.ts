import { randomUUID } from "node:crypto";
import { type DynamoDBClient, ScanCommand } from "@aws-sdk/client-dynamodb";
import { uuid6 } from "@langchain/langgraph-checkpoint";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Item } from "@/lib/runs/store/dynamodb-events";
import { type LocalDynamo, startDynalite } from "@/tests/support/dynalite";
import {
  type CheckpointerUnderTest,
  checkpointerContract,
  longText,
  pauseReview,
} from "./checkpointer-contract";
import { DynamoCheckpointer } from "./dynamodb-checkpointer";
import { validateCheckpointer } from "./validation-suite";

const RETENTION_SECONDS = 86_400;
/** What the app's IAM role allows on the runs table. */
const ALLOWED_ACTIONS = ["GetItem", "PutItem", "UpdateItem", "Query", "BatchWriteItem"];

/** dynalite behind the strict layer, with one runs table, read back with Scans the test counts. */
async function runsTable(name: string) {
  const dynamo = await startDynalite();
  await dynamo.createRunsTable(name);
  const setupRequests = dynamo.requests.length;
  const clients: DynamoDBClient[] = [];
  let scans = 0;
  const client = () => {
    const created = dynamo.client();
    clients.push(created);
    return created;
  };
  return {
    dynamo,
    open: () => new DynamoCheckpointer(client(), name, RETENTION_SECONDS),
    scan: async (): Promise<Item[]> => {
      const items: Item[] = [];
      let startKey: Item | undefined;
      do {
        scans += 1;
        const page = await client().send(new ScanCommand({ TableName: name, ExclusiveStartKey: startKey }));
        items.push(...(page.Items ?? []));
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      return items;
    },
    /** The actions the checkpointers used: every request since the setup but the test's own scans. */
    actionsUsed: () => {
      const operations = dynamo.requests.slice(setupRequests).map((request) => request.operation);
      expect(operations.filter((op) => op === "Scan")).toHaveLength(scans);
      return new Set(operations.filter((op) => op !== "Scan"));
    },
    stop: async () => {
      for (const created of clients) created.destroy();
      await dynamo.stop();
    },
  };
}

const ofThread = (threadId: string) => (item: Item) =>
  item.pk?.S === `CKPT#${threadId}` || (item.pk?.S === "CKPT-THREADS" && item.sk?.S === threadId);

let validation: LocalDynamo;
const validationClients = new Map<DynamoCheckpointer, DynamoDBClient>();

await validateCheckpointer({
  checkpointerName: "DynamoCheckpointer",
  beforeAll: async () => {
    validation = await startDynalite();
  },
  // A table of its own per checkpointer: the suite reuses thread ids "1", "2" and "thread-1".
  createCheckpointer: async () => {
    const table = `validation-${randomUUID()}`;
    await validation.createRunsTable(table);
    const client = validation.client();
    const checkpointer = new DynamoCheckpointer(client, table, RETENTION_SECONDS);
    validationClients.set(checkpointer, client);
    return checkpointer;
  },
  destroyCheckpointer: (checkpointer) => validationClients.get(checkpointer)?.destroy(),
  afterAll: async () => {
    expect(validation.refusals).toEqual([]);
    await validation.stop();
  },
});

checkpointerContract(
  "DynamoDB (AWS SDK v3, dynalite behind the strict layer)",
  async (): Promise<CheckpointerUnderTest> => {
    const table = await runsTable("stepstream-runs");
    return {
      open: table.open,
      countStored: async (threadId) => (await table.scan()).filter(ofThread(threadId)).length,
      dispose: async () => {
        expect(table.dynamo.refusals).toEqual([]);
        expect([...table.actionsUsed()].filter((action) => !ALLOWED_ACTIONS.includes(action))).toEqual([]);
        await table.stop();
      },
    };
  },
);

describe("DynamoCheckpointer in the runs table", () => {
  let table: Awaited<ReturnType<typeof runsTable>>;
  let threadId: string;
  let items: Item[];
  const startedAt = Math.floor(Date.now() / 1000);

  beforeAll(async () => {
    table = await runsTable("stepstream-runs");
    threadId = await pauseReview(
      { open: table.open, countStored: async () => 0, dispose: async () => {} },
      1_200_000,
    );
    items = (await table.scan()).filter(ofThread(threadId));
  });
  afterAll(() => table.stop());

  it("splits a checkpoint over 1 MB into pieces, each item within DynamoDB's 400 KB", async () => {
    const pieces = items.filter((item) => item.sk?.S?.startsWith("P#"));
    expect(pieces.length).toBeGreaterThanOrEqual(4);
    for (const piece of pieces) expect(piece.body?.B?.byteLength).toBeLessThanOrEqual(300_000);
    const tuple = await table.open().getTuple({ configurable: { thread_id: threadId } });
    expect(tuple?.checkpoint.channel_values.draft).toBe(`Lisbon: ${longText(1_200_000)}`);
    expect(table.dynamo.refusals).toEqual([]);
  });

  it("gives every item an expiry for TTL and none the owner index's keys", () => {
    expect(items.length).toBeGreaterThan(10);
    for (const item of items) {
      expect(item.ownerPk ?? item.ownerSk).toBeUndefined();
      const expiresAt = Number(item.expiresAt?.N);
      expect(expiresAt).toBeGreaterThanOrEqual(startedAt + RETENTION_SECONDS);
      expect(expiresAt).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + RETENTION_SECONDS);
    }
  });

  it("never shows a checkpoint whose item was not written, though its values and pieces were", async () => {
    const checkpointer = table.open();
    const latest = await checkpointer.getTuple({ configurable: { thread_id: threadId } });
    if (!latest?.metadata) throw new Error("The paused thread has no checkpoint");
    const version = checkpointer.getNextVersion(Number(latest.checkpoint.channel_versions.draft));
    const next = {
      ...latest.checkpoint,
      id: uuid6(0),
      channel_values: { ...latest.checkpoint.channel_values, draft: longText(700_000) },
      channel_versions: { ...latest.checkpoint.channel_versions, draft: version },
    };
    // The thread list's and the value's PutItem pass; the checkpoint item's, last, fails every retry.
    let puts = 0;
    table.dynamo.injectFaults((operation) => {
      if (operation !== "PutItem") return undefined;
      puts += 1;
      return puts > 2 ? { fail: true } : undefined;
    });
    await expect(
      checkpointer.put(latest.config, next, latest.metadata, { draft: version }),
    ).rejects.toThrow();
    table.dynamo.injectFaults(undefined);

    const after = await table.open().getTuple({ configurable: { thread_id: threadId } });
    expect(after?.checkpoint.id).toBe(latest.checkpoint.id);
    expect(after?.checkpoint.channel_values.draft).toBe(latest.checkpoint.channel_values.draft);
    const written = (await table.scan()).filter(ofThread(threadId));
    expect(written.some((item) => item.sk?.S === `B##draft#${version}` && item.pieces?.N === "3")).toBe(true);
    expect(written.some((item) => item.sk?.S?.endsWith(next.id))).toBe(false);
  });

  it("uses only the actions the app's role allows", () => {
    expect([...table.actionsUsed()].sort()).toEqual(["BatchWriteItem", "GetItem", "PutItem", "Query"]);
  });
});
