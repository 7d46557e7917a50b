import type * as Aws from "@pulumi/aws";

/** The attribute DynamoDB's TTL reads: epoch seconds after which an item may be deleted. */
export const TTL_ATTRIBUTE = "expiresAt";

/**
 * The runs table, single-table design: a run item (`pk = RUN#<id>`, `sk = RUN`) beside its event
 * items (`sk = EVT#<seq>`), and a `recent` index for listing runs newest first. On demand, since
 * load comes in bursts of runs; TTL expires old runs and their events together.
 */
export function createRunsTable(aws: typeof Aws, name: string): Aws.dynamodb.Table {
  return new aws.dynamodb.Table(`${name}Runs`, {
    billingMode: "PAY_PER_REQUEST",
    hashKey: "pk",
    rangeKey: "sk",
    attributes: [
      { name: "pk", type: "S" },
      { name: "sk", type: "S" },
      { name: "listPk", type: "S" },
      { name: "listSk", type: "S" },
    ],
    globalSecondaryIndexes: [
      { name: "recent", hashKey: "listPk", rangeKey: "listSk", projectionType: "ALL" },
    ],
    ttl: { attributeName: TTL_ATTRIBUTE, enabled: true },
    pointInTimeRecovery: { enabled: false },
  });
}
