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
    { name: "ownerPk", type: "S" },
    { name: "ownerSk", type: "S" },
  ],
  /**
   * A visitor's runs, newest first: each run item has ownerPk = "OWNER#<owner>" and ownerSk =
   * zero-padded createdAt#id, so every visitor's history is a partition of its own. Only the list's
   * own fields are projected (`listing`, written when a run starts, pauses, resumes and ends): a live run
   * rewrites its item about once a second, and none of those writes touch the index.
   */
  ownerIndex: {
    name: "byOwner",
    hashKey: "ownerPk",
    rangeKey: "ownerSk",
    projectionType: "INCLUDE",
    nonKeyAttributes: ["listing"],
  },
  /** Epoch seconds after which DynamoDB may delete the item. */
  ttlAttribute: "expiresAt",
} as const;
