import { PutItemCommand } from "@aws-sdk/client-dynamodb";
import { startDynalite } from "@/tests/support/dynalite";
import { runStoreContract, type StoreUnderTest } from "./contract-suite";
import { DynamoRunStore } from "./dynamodb-store";
import { quotaStoreContract } from "./quota-contract-suite";

async function dynamoSubject(): Promise<StoreUnderTest> {
  const dynamo = await startDynalite();
  const table = "stepstream-runs";
  await dynamo.createRunsTable(table);
  const store = new DynamoRunStore(dynamo.client(), table, 86_400);
  return {
    store,
    sibling: () => new DynamoRunStore(dynamo.client(), table, 86_400),
    corrupt: async (runId, owner) => {
      const client = dynamo.client();
      await client.send(
        new PutItemCommand({
          TableName: table,
          Item: {
            pk: { S: `RUN#${runId}` },
            sk: { S: "RUN" },
            id: { S: runId },
            owner: { S: owner },
            ownerPk: { S: `OWNER#${owner}` },
            ownerSk: { S: `${String(Date.now() + 30_000_000).padStart(15, "0")}#${runId}` },
            status: { S: "running" },
            data: { S: "{not json" },
            listing: { S: '{"id": "half' },
          },
        }),
      );
      client.destroy();
    },
    dispose: async () => {
      await store.close();
      await dynamo.stop();
    },
  };
}

runStoreContract("DynamoDB (AWS SDK v3 against dynalite on loopback)", dynamoSubject);
quotaStoreContract("DynamoDB (AWS SDK v3 against dynalite on loopback)", dynamoSubject);
