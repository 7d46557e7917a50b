import {
  BatchWriteItemCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
} from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalDynamo, startDynalite } from "./dynalite";
import { itemSize } from "./dynamo-rules";

// Each rule is shown against dynalite alone and through the strict layer. Where dynalite accepts
// what DynamoDB refuses (an empty key value in a key condition: why a store bug once passed), the
// layer is what catches it; everywhere, the layer itself refuses, with DynamoDB's own message.
const TABLE = "strict-runs";
let strict: LocalDynamo;
let lenient: LocalDynamo;

beforeAll(async () => {
  [strict, lenient] = await Promise.all([startDynalite(), startDynalite({ strict: false })]);
  await Promise.all([strict.createRunsTable(TABLE), lenient.createRunsTable(TABLE)]);
});
afterAll(async () => {
  await Promise.all([strict?.stop(), lenient?.stop()]);
});

type AnyCommand = QueryCommand | PutItemCommand | GetItemCommand | BatchWriteItemCommand;

async function outcome(dynamo: LocalDynamo, command: AnyCommand): Promise<string> {
  const client = dynamo.client();
  const send = client.send.bind(client) as (command: AnyCommand) => Promise<unknown>;
  try {
    await send(command);
    return "accepted";
  } catch (error) {
    return `${(error as Error).name}: ${(error as Error).message}`;
  } finally {
    client.destroy();
  }
}

async function expectRefused(
  command: () => AnyCommand,
  message: string | RegExp,
  dynaliteAlone: "accepts" | "refuses",
) {
  const before = strict.refusals.length;
  const alone = await outcome(lenient, command());
  if (dynaliteAlone === "accepts") expect(alone).toBe("accepted");
  else expect(alone).toMatch(/^ValidationException: /);
  const refused = await outcome(strict, command());
  expect(refused).toMatch(/^ValidationException: /);
  expect(refused).toMatch(message);
  expect(strict.refusals.length).toBe(before + 1);
}

const key = (sk: string) => ({ pk: { S: "RUN#1" }, sk: { S: sk } });

describe("the strict DynamoDB layer", () => {
  it("refuses an empty string as a key value in a key condition", async () => {
    await expectRefused(
      () =>
        new QueryCommand({
          TableName: TABLE,
          KeyConditionExpression: "pk = :pk AND sk BETWEEN :from AND :to",
          ExpressionAttributeValues: { ":pk": { S: "RUN#1" }, ":from": { S: "" }, ":to": { S: "~" } },
        }),
      "The AttributeValue for a key attribute cannot contain an empty string value. Key: sk",
      "accepts",
    );
  });

  it("refuses an empty string in an index key of an item", async () => {
    await expectRefused(
      () => new PutItemCommand({ TableName: TABLE, Item: { ...key("RUN"), ownerPk: { S: "" } } }),
      "Key: ownerPk",
      "accepts",
    );
  });

  it("refuses a value or a name no expression uses", async () => {
    await expectRefused(
      () =>
        new QueryCommand({
          TableName: TABLE,
          KeyConditionExpression: "pk = :pk",
          ExpressionAttributeValues: { ":pk": { S: "RUN#1" }, ":spare": { S: "x" } },
        }),
      "Value provided in ExpressionAttributeValues unused in expressions: keys: {:spare}",
      "refuses",
    );
    await expectRefused(
      () =>
        new GetItemCommand({
          TableName: TABLE,
          Key: key("RUN"),
          ProjectionExpression: "#s",
          ExpressionAttributeNames: { "#s": "status", "#d": "data" },
        }),
      "ExpressionAttributeNames unused in expressions: keys: {#d}",
      "refuses",
    );
  });

  it("refuses an item over 400 KB, counting attribute names", async () => {
    const item = { ...key("EVT#1"), events: { S: "x".repeat(400 * 1024 - 10) } };
    expect(itemSize(item)).toBeGreaterThan(400 * 1024);
    await expectRefused(
      () => new PutItemCommand({ TableName: TABLE, Item: item }),
      "Item size has exceeded",
      "refuses",
    );
  });

  it("refuses a batch of more than 25 writes, and one that names an item twice", async () => {
    const deletes = (count: number) =>
      Array.from({ length: count }, (_, index) => ({ DeleteRequest: { Key: key(`EVT#${index}`) } }));
    await expectRefused(
      () => new BatchWriteItemCommand({ RequestItems: { [TABLE]: deletes(26) } }),
      "Member must have length less than or equal to 25",
      "refuses",
    );
    await expectRefused(
      () =>
        new BatchWriteItemCommand({
          RequestItems: { [TABLE]: [...deletes(2), { DeleteRequest: { Key: key("EVT#0") } }] },
        }),
      "Provided list of item keys contains duplicates",
      "refuses",
    );
  });

  it("lets a valid request through unchanged", async () => {
    const before = strict.refusals.length;
    expect(
      await outcome(strict, new PutItemCommand({ TableName: TABLE, Item: { ...key("RUN"), n: { N: "1" } } })),
    ).toBe("accepted");
    const client = strict.client();
    const got = await client.send(new GetItemCommand({ TableName: TABLE, Key: key("RUN") }));
    client.destroy();
    expect(got.Item?.n).toEqual({ N: "1" });
    expect(strict.refusals.length).toBe(before);
  });
});
