import { PutItemCommand } from "@aws-sdk/client-dynamodb";
import { startDynalite } from "@/tests/support/dynalite";
import { runStoreContract } from "./contract-suite";
import { DynamoRunStore } from "./dynamodb-store";

runStoreContract("DynamoDB (AWS SDK v3 against dynalite on loopback)", async () => {
  const dynamo = await startDynalite();
  const table = "stepstream-runs";
  await dynamo.createRunsTable(table);
  const store = new DynamoRunStore(dynamo.client(), table, 86_400);
  return {
    store,
    sibling: () => new DynamoRunStore(dynamo.client(), table, 86_400),
    corrupt: async (runId) => {
      const client = dynamo.client();
      await client.send(
        new PutItemCommand({
          TableName: table,
          Item: {
            pk: { S: `RUN#${runId}` },
            sk: { S: "RUN" },
            id: { S: runId },
            listPk: { S: "RUNS" },
            listSk: { S: `${String(Date.now() + 30_000_000).padStart(15, "0")}#${runId}` },
            status: { S: "running" },
            data: { S: "{not json" },
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
});
