/**
 * The runs table's key schema, shared by the DynamoDB store, the infrastructure that creates the
 * table and the tests that create it in dynalite, so the three cannot disagree.
 */
export const RUNS_TABLE_SCHEMA = {
  hashKey: "pk",
  rangeKey: "sk",
  attributes: [
    { name: "pk", type: "S" },
    { name: "sk", type: "S" },
    { name: "listPk", type: "S" },
    { name: "listSk", type: "S" },
  ],
  /** Runs newest first: every run item has listPk = "RUNS" and listSk = zero-padded createdAt#id. */
  recentIndex: { name: "recent", hashKey: "listPk", rangeKey: "listSk" },
  /** Epoch seconds after which DynamoDB may delete the item. */
  ttlAttribute: "expiresAt",
} as const;
