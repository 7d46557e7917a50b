/**
 * The rules DynamoDB itself enforces that dynalite does not, each beside the documentation it
 * rests on, with DynamoDB's own error messages. `strict-dynamo.ts` holds every request the store
 * makes to them, so a request the real service would refuse fails the tests here too.
 */

type AttributeValue = Record<string, unknown>;
type Item = Record<string, AttributeValue>;

export interface KeySchema {
  /** Every attribute that is a key of the table or of one of its indexes. */
  keyAttributes: Set<string>;
  /** The table's own key (hash, then range), which identifies an item. */
  primaryKey: string[];
}

/** A request DynamoDB would refuse with a ValidationException, and why. */
export class DynamoValidationError extends Error {}

// "The minimum length of a string can be zero, if the attribute is not used as a key for an index
// or table" (and the same for binary); "Invalid Requests with empty values will be rejected with a
// ValidationException". A key condition's values are key values too: "Query operation: One or
// more parameter values are not valid. The AttributeValue for a key attribute cannot contain an
// empty string value. Key: PK".
// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_PutItem.html
function checkKeyValue(name: string, value: AttributeValue | undefined): void {
  if (!value) return;
  if (value.S === "") {
    throw new DynamoValidationError(
      `One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: ${name}`,
    );
  }
  if (value.B === "") {
    throw new DynamoValidationError(
      `One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty binary value. Key: ${name}`,
    );
  }
}

export function checkKeyAttributes(item: Item | undefined, schema: KeySchema): void {
  for (const name of schema.keyAttributes) checkKeyValue(name, item?.[name]);
}

/** Placeholders a key condition compares with a key attribute, e.g. `sk BETWEEN :from AND :to`. */
export function checkKeyCondition(
  expression: string,
  values: Record<string, AttributeValue> | undefined,
  names: Record<string, string> | undefined,
): void {
  const clause = /(#?[A-Za-z_][\w]*)\s*(?:=|<=|<|>=|>|BETWEEN)\s*(:\w+)(?:\s+AND\s+(:\w+))?/gi;
  for (const match of expression.matchAll(clause)) {
    const attribute = match[1]?.startsWith("#") ? (names?.[match[1]] ?? match[1]) : (match[1] ?? "");
    for (const placeholder of [match[2], match[3]]) {
      if (placeholder) checkKeyValue(attribute, values?.[placeholder]);
    }
  }
  for (const match of expression.matchAll(/begins_with\s*\(\s*(#?\w+)\s*,\s*(:\w+)\s*\)/gi)) {
    const attribute = match[1]?.startsWith("#") ? (names?.[match[1]] ?? match[1]) : (match[1] ?? "");
    checkKeyValue(attribute, values?.[match[2] ?? ""]);
  }
}

// "Value provided in ExpressionAttributeValues unused in expressions: keys: {:x}", and the same
// for names: every placeholder defined must appear in one of the request's expressions.
// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ExpressionAttributeValues.html
// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ExpressionAttributeNames.html
export function checkPlaceholdersUsed(request: Record<string, unknown>): void {
  const expressions = [
    "KeyConditionExpression",
    "FilterExpression",
    "ConditionExpression",
    "UpdateExpression",
    "ProjectionExpression",
  ]
    .map((field) => request[field])
    .filter((value): value is string => typeof value === "string")
    .join(" ");
  const used = new Set(expressions.match(/[#:][A-Za-z0-9_]+/g) ?? []);
  for (const [field, prefix] of [
    ["ExpressionAttributeNames", "#"],
    ["ExpressionAttributeValues", ":"],
  ] as const) {
    const defined = Object.keys((request[field] as Record<string, unknown>) ?? {});
    const unused = defined.filter((key) => key.startsWith(prefix) && !used.has(key));
    if (unused.length > 0) {
      throw new DynamoValidationError(
        `Value provided in ${field} unused in expressions: keys: {${unused.join(", ")}}`,
      );
    }
  }
}

// "The maximum item size in DynamoDB is 400 KB, which includes both attribute name binary length
// (UTF-8 length) and attribute value lengths (again binary length)"; numbers take about one byte
// per two significant digits plus one, lists and maps 3 bytes plus 1 per element.
// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html#limits-items-size
// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html
export const MAX_ITEM_BYTES = 400 * 1024;

function valueSize(value: AttributeValue): number {
  const [type, inner] = Object.entries(value)[0] ?? [];
  switch (type) {
    case "S":
      return Buffer.byteLength(String(inner), "utf8");
    case "N":
      return Math.ceil(String(inner).replace(/^-|\.|^0+|e.*$/gi, "").length / 2) + 1;
    case "B":
      return Buffer.from(String(inner), "base64").length;
    case "BOOL":
    case "NULL":
      return 1;
    case "SS":
    case "NS":
    case "BS":
      return (inner as string[]).reduce((sum, member) => sum + valueSize({ [type.slice(0, 1)]: member }), 0);
    case "L":
      return 3 + (inner as AttributeValue[]).reduce((sum, element) => sum + 1 + valueSize(element), 0);
    case "M":
      return 3 + itemSize(inner as Item) + Object.keys(inner as Item).length;
    default:
      return 0;
  }
}

export function itemSize(item: Item): number {
  return Object.entries(item).reduce(
    (sum, [name, value]) => sum + Buffer.byteLength(name, "utf8") + valueSize(value),
    0,
  );
}

export function checkItemSize(item: Item | undefined): void {
  if (item && itemSize(item) > MAX_ITEM_BYTES) {
    throw new DynamoValidationError("Item size has exceeded the maximum allowed size");
  }
}

// "up to 25 item put or delete operations"; the whole batch is rejected when "There are more than
// 25 requests in the batch" or it holds "at least two items with identical hash and range keys"
// ("Provided list of item keys contains duplicates").
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchWriteItem.html
export function checkBatchWrite(
  requestItems: Record<string, unknown[]>,
  schemaOf: (table: string) => KeySchema,
): void {
  for (const [table, requests] of Object.entries(requestItems)) {
    if (requests.length < 1 || requests.length > 25) {
      throw new DynamoValidationError(
        "1 validation error detected: Value at 'requestItems' failed to satisfy constraint: Map value must satisfy constraint: [Member must have length less than or equal to 25, Member must have length greater than or equal to 1]",
      );
    }
    const schema = schemaOf(table);
    const seen = new Set<string>();
    for (const request of requests as { PutRequest?: { Item: Item }; DeleteRequest?: { Key: Item } }[]) {
      const item = request.PutRequest?.Item ?? request.DeleteRequest?.Key;
      checkKeyAttributes(item, schema);
      if (request.PutRequest) checkItemSize(request.PutRequest.Item);
      const key = JSON.stringify(schema.primaryKey.map((name) => item?.[name]));
      if (seen.has(key)) throw new DynamoValidationError("Provided list of item keys contains duplicates");
      seen.add(key);
    }
  }
}

// Query's Limit: "Valid Range: Minimum value of 1."
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_Query.html#DDB-Query-request-Limit
export function checkLimit(limit: unknown): void {
  if (typeof limit === "number" && limit < 1) {
    throw new DynamoValidationError(
      `1 validation error detected: Value '${limit}' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1`,
    );
  }
}

/** Checks one request (by its X-Amz-Target operation) against every rule above. */
export function validateRequest(
  operation: string,
  request: Record<string, unknown>,
  schemaOf: (table: string) => KeySchema,
): void {
  const schema = () => schemaOf(String(request.TableName));
  switch (operation) {
    case "PutItem":
      checkKeyAttributes(request.Item as Item, schema());
      checkItemSize(request.Item as Item);
      break;
    case "GetItem":
    case "DeleteItem":
    case "UpdateItem":
      checkKeyAttributes(request.Key as Item, schema());
      break;
    case "Scan":
      checkLimit(request.Limit);
      break;
    case "Query":
      checkLimit(request.Limit);
      if (typeof request.KeyConditionExpression === "string") {
        checkKeyCondition(
          request.KeyConditionExpression,
          request.ExpressionAttributeValues as Record<string, AttributeValue>,
          request.ExpressionAttributeNames as Record<string, string>,
        );
      }
      break;
    case "BatchWriteItem":
      checkBatchWrite(request.RequestItems as Record<string, unknown[]>, schemaOf);
      break;
  }
  checkPlaceholdersUsed(request);
}
