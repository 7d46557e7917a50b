import type { AddressInfo } from "node:net";
import { CreateTableCommand, DynamoDBClient, UpdateTimeToLiveCommand } from "@aws-sdk/client-dynamodb";
import dynalite from "dynalite";
import { RUNS_TABLE_SCHEMA } from "@/lib/runs/store/dynamo-table";

export interface LocalDynamo {
  endpoint: string;
  client: () => DynamoDBClient;
  createRunsTable: (name: string) => Promise<void>;
  stop: () => Promise<void>;
}

/** dynalite (a real implementation of the DynamoDB API, in memory) on a loopback port. */
export async function startDynalite(): Promise<LocalDynamo> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = () =>
    new DynamoDBClient({
      endpoint,
      region: "us-east-1",
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
    });
  return {
    endpoint,
    client,
    createRunsTable: async (name) => {
      const admin = client();
      const { hashKey, rangeKey, attributes, recentIndex, ttlAttribute } = RUNS_TABLE_SCHEMA;
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
              IndexName: recentIndex.name,
              KeySchema: [
                { AttributeName: recentIndex.hashKey, KeyType: "HASH" },
                { AttributeName: recentIndex.rangeKey, KeyType: "RANGE" },
              ],
              Projection: { ProjectionType: "ALL" },
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
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
