import type * as Aws from "@pulumi/aws";
import { RUNS_TABLE_SCHEMA } from "../lib/runs/store/dynamo-table.ts";
import { KEEP_NAME, physicalName, type StackIdentity } from "./naming.ts";

/**
 * The runs table, single-table design (lib/runs/store/dynamodb-store.ts): a run item beside its
 * step and event items under one partition key, and the `byOwner` index for listing one visitor's
 * runs newest first (only the list's own `listing` attribute projected). On demand, since load
 * comes in bursts of runs; TTL expires old runs with their events.
 */
export function createRunsTable(aws: typeof Aws, name: string, identity: StackIdentity): Aws.dynamodb.Table {
  const { hashKey, rangeKey, attributes, ownerIndex, ttlAttribute } = RUNS_TABLE_SCHEMA;
  return new aws.dynamodb.Table(
    `${name}Runs`,
    {
      name: physicalName(identity, "dynamodbTable", "Runs"),
      billingMode: "PAY_PER_REQUEST",
      hashKey,
      rangeKey,
      attributes: attributes.map((attribute) => ({ ...attribute })),
      globalSecondaryIndexes: [{ ...ownerIndex, nonKeyAttributes: [...ownerIndex.nonKeyAttributes] }],
      ttl: { attributeName: ttlAttribute, enabled: true },
      pointInTimeRecovery: { enabled: false },
    },
    KEEP_NAME,
  );
}
