import type { AddressInfo } from "node:net";
import { CreateTableCommand, DynamoDBClient, UpdateTimeToLiveCommand } from "@aws-sdk/client-dynamodb";
import dynalite from "dynalite";
import { RUNS_TABLE_SCHEMA } from "@/lib/runs/store/dynamo-table";
import { type InjectedFault, type Refusal, startStrictProxy } from "./strict-dynamo";

export interface LocalDynamo {
  endpoint: string;
  /** Requests the strict layer refused as DynamoDB would (always empty without it). */
  refusals: Refusal[];
  /** Every request the strict layer saw (empty without it). */
  requests: { operation: string; at: number; fault?: string }[];
  /** Server errors or delays for chosen operations (strict mode only). */
  injectFaults: (choose: ((operation: string) => InjectedFault) | undefined) => void;
  client: () => DynamoDBClient;
  createRunsTable: (name: string) => Promise<void>;
  stop: () => Promise<void>;
}

/**
 * dynalite (a real implementation of the DynamoDB API, in memory) on a loopback port. With
 * `strict` (the default) clients talk to it through the strict layer, which refuses what the real
 * DynamoDB refuses and dynalite does not (tests/support/dynamo-rules.ts).
 */
export async function startDynalite({ strict = true }: { strict?: boolean } = {}): Promise<LocalDynamo> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const direct = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const proxy = strict ? await startStrictProxy(direct) : undefined;
  const endpoint = proxy?.endpoint ?? direct;
  const client = () =>
    new DynamoDBClient({
      endpoint,
      region: "us-east-1",
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
    });
  return {
    endpoint,
    refusals: proxy?.refusals ?? [],
    requests: proxy?.requests ?? [],
    injectFaults: (choose) => {
      if (!proxy) throw new Error("Faults need the strict layer");
      proxy.injectFaults(choose);
    },
    client,
    createRunsTable: async (name) => {
      const admin = client();
      const { hashKey, rangeKey, attributes, ownerIndex, ttlAttribute } = RUNS_TABLE_SCHEMA;
      await admin.send(
        new CreateTableCommand({
          TableName: name,
          BillingMode: "PAY_PER_REQUEST",
          AttributeDefinitions: attributes.map((a) => ({ AttributeName: a.name, AttributeType: a.type })),
          KeySchema: [
            { AttributeName: hashKey, KeyType: "HASH" },
            { AttributeName: rangeKey, KeyType: "RANGE" },
          ],
          GlobalSecondaryIndexes: [
            {
              IndexName: ownerIndex.name,
              KeySchema: [
                { AttributeName: ownerIndex.hashKey, KeyType: "HASH" },
                { AttributeName: ownerIndex.rangeKey, KeyType: "RANGE" },
              ],
              Projection: {
                ProjectionType: ownerIndex.projectionType,
                NonKeyAttributes: [...ownerIndex.nonKeyAttributes],
              },
            },
          ],
        }),
      );
      await admin
        .send(
          new UpdateTimeToLiveCommand({
            TableName: name,
            TimeToLiveSpecification: { AttributeName: ttlAttribute, Enabled: true },
          }),
        )
        .catch(() => undefined); // dynalite does not implement TTL; real DynamoDB does.
      admin.destroy();
    },
    stop: async () => {
      await proxy?.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
