import "server-only";
import {
  type AttributeValue,
  BatchWriteItemCommand,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import { decodeCursor, encodeCursor } from "./sqlite-store";
import {
  type DeleteOutcome,
  type InterruptOptions,
  ProgressConflictError,
  parseStoredRun,
  type RunLookup,
  type RunPage,
  type RunProgress,
  type RunStore,
  type StopOutcome,
  type StopRequest,
  type StoredEvent,
  type StoredRun,
  type StoredStep,
  stopRequestSchema,
  storedStepSchema,
} from "./types";

/**
 * The runs table's single-table layout (the infrastructure creates it: infra/runs-table.ts):
 * - the run:    pk = RUN#<id>, sk = RUN, data = the run as JSON, plus the fields conditions read
 *               (status, lastSeq, heartbeatAt, stopRequest) and the list index keys;
 * - its steps:  pk = RUN#<id>, sk = STEP#<task id>, data = JSON;
 * - its events: pk = RUN#<id>, sk = EVT#<first seq, zero-padded>, events = "seq<TAB>json" lines,
 *               one item per flush (not per token). One event too large for an item (a long
 *               result) has an item of its own holding its first piece, with `pieces` = how many;
 *               the rest sit at sk = EVP#<seq>#<piece index>, outside the EVT# range that reads
 *               walk, and are written before the item that makes them visible.
 * Event items are the truth about a run's stream. Each is written with attribute_not_exists, at the
 * position right after the last stored event, so two writers can never both extend the stream
 * from the same place (a run's own process, and a reader declaring it interrupted); the run
 * item's lastSeq is then updated under the condition that nobody moved it meanwhile. No
 * transactions: every write is a single-item conditional write.
 * Every item carries expiresAt for DynamoDB's TTL.
 */
const RUN_SK = "RUN";
const LIST_PK = "RUNS";
const SEQ_WIDTH = 10;
/** Stay well under DynamoDB's 400 KB item limit. */
const MAX_BATCH_BYTES = 300_000;
/** UTF-16 units per piece of an oversized event: at most 3 UTF-8 bytes each, so within a batch. */
const PIECE_UNITS = MAX_BATCH_BYTES / 3;
/** A step's output kept in its item (its whole text is in the events). */
const MAX_STEP_OUTPUT_BYTES = 200_000;

const pk = (runId: string) => ({ S: `RUN#${runId}` });
const padSeq = (seq: number) => String(seq).padStart(SEQ_WIDTH, "0");
const str = (value: string): AttributeValue => ({ S: value });
const num = (value: number): AttributeValue => ({ N: String(value) });

function isConditionFailure(error: unknown): boolean {
  return (
    error instanceof ConditionalCheckFailedException ||
    (error as { name?: string })?.name === "ConditionalCheckFailedException"
  );
}

function parseJson(text: string | undefined): unknown {
  try {
    return text === undefined ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Splits events into batches that each fit one item. */
function batchEvents(events: StoredEvent[]): StoredEvent[][] {
  const batches: StoredEvent[][] = [];
  let current: StoredEvent[] = [];
  let bytes = 0;
  for (const event of events) {
    // DynamoDB counts an item's size in UTF-8 bytes: a string's length (UTF-16 units) undercounts
    // non-ASCII text up to three times.
    const size = Buffer.byteLength(event.json, "utf8") + 16;
    if (current.length > 0 && bytes + size > MAX_BATCH_BYTES) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(event);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/** Cuts text into pieces of at most PIECE_UNITS, never between the halves of a surrogate pair. */
function cutIntoPieces(text: string): string[] {
  const pieces: string[] = [];
  for (let start = 0; start < text.length; ) {
    let end = Math.min(text.length, start + PIECE_UNITS);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end -= 1;
    pieces.push(text.slice(start, end));
    start = end;
  }
  return pieces;
}

/** A step as its item holds it: an output too long for the item keeps its beginning. */
function stepForItem(step: StoredStep): StoredStep {
  if (Buffer.byteLength(step.output, "utf8") <= MAX_STEP_OUTPUT_BYTES) return step;
  let output = step.output.slice(0, MAX_STEP_OUTPUT_BYTES / 3);
  const last = output.charCodeAt(output.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) output = output.slice(0, -1);
  return { ...step, output, outputTruncated: true };
}

export class DynamoRunStore implements RunStore {
  readonly kind = "dynamodb" as const;

  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
    private readonly retentionSeconds: number,
  ) {}

  #expiresAt(now: number): AttributeValue {
    return num(Math.floor(now / 1000) + this.retentionSeconds);
  }

  #runItem(run: StoredRun): Record<string, AttributeValue> {
    return {
      pk: pk(run.id),
      sk: str(RUN_SK),
      listPk: str(LIST_PK),
      listSk: str(`${String(run.createdAt).padStart(15, "0")}#${run.id}`),
      id: str(run.id),
      createdAt: num(run.createdAt),
      status: str(run.status),
      lastSeq: num(run.lastSeq),
      heartbeatAt: num(run.heartbeatAt),
      ...(run.stopRequest ? { stopRequest: str(JSON.stringify(run.stopRequest)) } : {}),
      data: str(JSON.stringify(run)),
      expiresAt: this.#expiresAt(run.createdAt),
    };
  }

  /**
   * Writes events as new batch items, each only if nothing is stored at its position yet. A batch
   * already stored with exactly our content is our own earlier attempt (its write succeeded but
   * the run update after it did not) and counts as written, unless `exclusive` is asked for.
   */
  async #putEvents(
    runId: string,
    events: StoredEvent[],
    options: { exclusive?: boolean } = {},
  ): Promise<void> {
    for (const batch of batchEvents(events)) {
      const key = { pk: pk(runId), sk: str(`EVT#${padSeq(batch[0]?.seq ?? 0)}`) };
      let lines = batch.map((event) => `${event.seq}\t${event.json}`).join("\n");
      let pieces: AttributeValue | undefined;
      if (Buffer.byteLength(lines, "utf8") > MAX_BATCH_BYTES) {
        // One event alone is larger than an item: its later pieces go first, invisible until the
        // head item below (the commit, as for any batch) names how many there are.
        const cut = cutIntoPieces(lines);
        for (const [index, piece] of cut.entries()) {
          if (index === 0) continue;
          await this.client.send(
            new PutItemCommand({
              TableName: this.table,
              Item: {
                pk: pk(runId),
                sk: str(`EVP#${padSeq(batch[0]?.seq ?? 0)}#${String(index).padStart(4, "0")}`),
                events: str(piece),
                expiresAt: this.#expiresAt(Date.now()),
              },
            }),
          );
        }
        lines = cut[0] ?? "";
        pieces = num(cut.length);
      }
      try {
        await this.client.send(
          new PutItemCommand({
            TableName: this.table,
            Item: {
              ...key,
              events: str(lines),
              ...(pieces ? { pieces } : {}),
              expiresAt: this.#expiresAt(Date.now()),
            },
            ConditionExpression: "attribute_not_exists(sk)",
          }),
        );
      } catch (error) {
        if (!isConditionFailure(error) || options.exclusive) throw error;
        const existing = await this.client.send(
          new GetItemCommand({ TableName: this.table, Key: key, ConsistentRead: true }),
        );
        const stored = existing.Item?.events?.S;
        if (stored === lines) continue;
        // A retry after a save that failed partway: this item holds the first of these events
        // already, so only the rest is written, as an item of its own after them.
        if (stored !== undefined && lines.startsWith(`${stored}\n`)) {
          await this.#putEvents(runId, batch.slice(stored.split("\n").length), options);
          continue;
        }
        throw error;
      }
    }
  }

  async #getRunItem(runId: string): Promise<Record<string, AttributeValue> | undefined> {
    const result = await this.client.send(
      new GetItemCommand({
        TableName: this.table,
        Key: { pk: pk(runId), sk: str(RUN_SK) },
        ConsistentRead: true,
      }),
    );
    return result.Item;
  }

  async createRun(run: StoredRun): Promise<void> {
    await this.client.send(
      new PutItemCommand({
        TableName: this.table,
        Item: this.#runItem(run),
        ConditionExpression: "attribute_not_exists(pk)",
      }),
    );
  }

  async saveProgress(runId: string, progress: RunProgress): Promise<void> {
    const item = await this.#getRunItem(runId);
    const lookup = item ? parseStoredRun(runId, parseJson(item.data?.S)) : undefined;
    if (!lookup || lookup.kind === "corrupt") throw new ProgressConflictError(`No readable run ${runId}`);
    const run = lookup.run;
    if (item?.status?.S !== "running") throw new ProgressConflictError(`Run ${runId} is ${item?.status?.S}`);
    const expected = Number(item.lastSeq?.N ?? run.lastSeq);
    let seq = expected;
    for (const event of progress.events) {
      if (event.seq !== seq + 1) throw new ProgressConflictError(`Event ${event.seq} does not follow ${seq}`);
      seq = event.seq;
    }
    try {
      // Events and steps are separate items: written together, so a save costs two round trips
      // (these, then the run item that makes them current), however many steps changed.
      await Promise.all([
        this.#putEvents(runId, progress.events),
        ...progress.steps.map((step) =>
          this.client.send(
            new PutItemCommand({
              TableName: this.table,
              Item: {
                pk: pk(runId),
                sk: str(`STEP#${step.taskId}`),
                data: str(JSON.stringify(stepForItem(step))),
                expiresAt: this.#expiresAt(run.createdAt),
              },
            }),
          ),
        ),
      ]);
      const next: StoredRun = { ...run, ...progress.run, lastSeq: seq };
      // A stop request written meanwhile is kept: it lives in its own attribute, not in data.
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: { pk: pk(runId), sk: str(RUN_SK) },
          UpdateExpression: "SET #status = :status, lastSeq = :seq, heartbeatAt = :hb, #data = :data",
          ConditionExpression: "#status = :running AND lastSeq = :expected",
          ExpressionAttributeNames: { "#status": "status", "#data": "data" },
          ExpressionAttributeValues: {
            ":status": str(next.status),
            ":seq": num(seq),
            ":hb": num(next.heartbeatAt),
            ":data": str(JSON.stringify({ ...next, stopRequest: undefined })),
            ":running": str("running"),
            ":expected": num(expected),
          },
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) throw new ProgressConflictError(`Run ${runId} moved on or ended`);
      throw error;
    }
  }

  async getRun(runId: string): Promise<RunLookup> {
    const item = await this.#getRunItem(runId);
    if (!item) return { kind: "missing" };
    return this.#entry(item, runId);
  }

  #entry(item: Record<string, AttributeValue>, fallbackId: string) {
    const data = parseJson(item.data?.S);
    const stopRequest = parseJson(item.stopRequest?.S);
    const merged = data && typeof data === "object" && stopRequest ? { ...data, stopRequest } : data;
    return parseStoredRun(item.id?.S ?? fallbackId, merged);
  }

  async getSteps(runId: string): Promise<StoredStep[]> {
    const items = await this.#query(runId, ["STEP#", "STEP#~"]);
    return items.flatMap((item) => {
      const parsed = storedStepSchema.safeParse(parseJson(item.data?.S));
      return parsed.success ? [parsed.data] : [];
    });
  }

  /**
   * A run's items whose sort key lies between `range` (inclusive), or all of them without one.
   * Bounds are never empty strings: DynamoDB refuses an empty key value, in a key condition too.
   */
  async #query(
    runId: string,
    range: [from: string, to: string] | undefined,
    options: { limit?: number; newestFirst?: boolean } = {},
  ): Promise<Record<string, AttributeValue>[]> {
    const items: Record<string, AttributeValue>[] = [];
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: range ? "pk = :pk AND sk BETWEEN :from AND :to" : "pk = :pk",
          ExpressionAttributeValues: range
            ? { ":pk": pk(runId), ":from": str(range[0]), ":to": str(range[1]) }
            : { ":pk": pk(runId) },
          ConsistentRead: true,
          ScanIndexForward: !options.newestFirst,
          ExclusiveStartKey: startKey,
          Limit: options.limit,
        }),
      );
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey && (options.limit === undefined || items.length < options.limit));
    return items;
  }

  /** An event item's lines, its pieces joined back when one event was split over several items. */
  async #eventsOf(runId: string, item: Record<string, AttributeValue> | undefined): Promise<StoredEvent[]> {
    if (!item?.events?.S) return [];
    let text = item.events.S;
    if (item.pieces?.N) {
      const first = item.sk?.S?.slice("EVT#".length) ?? "";
      const rest = await this.#query(runId, [`EVP#${first}#`, `EVP#${first}#~`]);
      if (rest.length !== Number(item.pieces.N) - 1)
        throw new Error(`Event ${first} of ${runId} is incomplete`);
      text += rest.map((piece) => piece.events?.S ?? "").join("");
    }
    return text.split("\n").map((line) => {
      const tab = line.indexOf("\t");
      return { seq: Number(line.slice(0, tab)), json: line.slice(tab + 1) };
    });
  }

  async readEvents(runId: string, afterSeq: number, limit = 1000): Promise<StoredEvent[]> {
    // Batches are keyed by their first seq: the batch holding afterSeq + 1 is the last one that
    // starts at or before it; every later batch follows.
    const [holding] = await this.#query(runId, ["EVT#", `EVT#${padSeq(afterSeq + 1)}`], {
      limit: 1,
      newestFirst: true,
    });
    const later = await this.#query(runId, [`EVT#${padSeq(afterSeq + 2)}`, "EVT#~"]);
    const events: StoredEvent[] = [];
    for (const item of [holding, ...later]) {
      for (const event of await this.#eventsOf(runId, item)) {
        if (event.seq > afterSeq && event.seq === afterSeq + events.length + 1) events.push(event);
        if (events.length >= limit) return events;
      }
    }
    return events;
  }

  async listRuns({ limit, cursor }: { limit: number; cursor?: string }): Promise<RunPage> {
    const after = cursor ? decodeCursor(cursor) : undefined;
    const page = await this.client.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: "recent",
        KeyConditionExpression: "listPk = :list",
        ExpressionAttributeValues: { ":list": str(LIST_PK) },
        ScanIndexForward: false,
        Limit: limit,
        ExclusiveStartKey: after
          ? {
              listPk: str(LIST_PK),
              listSk: str(`${String(after[0]).padStart(15, "0")}#${after[1]}`),
              pk: pk(after[1]),
              sk: str(RUN_SK),
            }
          : undefined,
      }),
    );
    const items = page.Items ?? [];
    const last = items.at(-1);
    return {
      entries: items.map((item) => this.#entry(item, item.id?.S ?? "unknown")),
      nextCursor:
        page.LastEvaluatedKey && last
          ? encodeCursor(Number(last.createdAt?.N ?? 0), last.id?.S ?? "")
          : undefined,
    };
  }

  async requestStop(runId: string, request: StopRequest): Promise<StopOutcome> {
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: { pk: pk(runId), sk: str(RUN_SK) },
          UpdateExpression: "SET stopRequest = :request",
          ConditionExpression:
            "attribute_exists(pk) AND #status = :running AND attribute_not_exists(stopRequest)",
          ExpressionAttributeNames: { "#status": "status" },
          ExpressionAttributeValues: { ":request": str(JSON.stringify(request)), ":running": str("running") },
        }),
      );
      return "requested";
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const item = await this.#getRunItem(runId);
      if (!item) return "missing";
      if (item.status?.S !== "running") return "finished";
      return "already_requested";
    }
  }

  async readStopRequest(runId: string): Promise<StopRequest | undefined> {
    const result = await this.client.send(
      new GetItemCommand({
        TableName: this.table,
        Key: { pk: pk(runId), sk: str(RUN_SK) },
        ProjectionExpression: "stopRequest",
        ConsistentRead: true,
      }),
    );
    const parsed = stopRequestSchema.safeParse(parseJson(result.Item?.stopRequest?.S));
    return parsed.success ? parsed.data : undefined;
  }

  async markInterrupted(runId: string, options: InterruptOptions): Promise<boolean> {
    const item = await this.#getRunItem(runId);
    const lookup = item ? this.#entry(item, runId) : undefined;
    if (lookup?.kind !== "found" || item?.status?.S !== "running") return false;
    if (Number(item.heartbeatAt?.N ?? 0) >= options.staleBefore) return false;
    const [lastItem] = await this.#query(runId, ["EVT#", "EVT#~"], { limit: 1, newestFirst: true });
    const storedEnd = (await this.#eventsOf(runId, lastItem)).at(-1)?.seq ?? 0;
    const lastSeq = options.events.at(-1)?.seq ?? 0;
    if (storedEnd !== options.expectedLastSeq || options.events[0]?.seq !== storedEnd + 1) return false;
    if (options.events.some((event, index) => event.seq !== storedEnd + 1 + index)) return false;
    try {
      // The closing events are the commit: once they are stored, the run's own process (if it
      // still lives) fails its next write and stops.
      await this.#putEvents(runId, options.events, { exclusive: true });
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
    const next: StoredRun = {
      ...lookup.run,
      status: "interrupted",
      endedAt: options.at,
      error: options.error,
      lastSeq,
    };
    await this.client.send(
      new UpdateItemCommand({
        TableName: this.table,
        Key: { pk: pk(runId), sk: str(RUN_SK) },
        UpdateExpression: "SET #status = :interrupted, lastSeq = :seq, #data = :data",
        ExpressionAttributeNames: { "#status": "status", "#data": "data" },
        ExpressionAttributeValues: {
          ":interrupted": str("interrupted"),
          ":seq": num(lastSeq),
          ":data": str(JSON.stringify({ ...next, stopRequest: undefined })),
        },
      }),
    );
    return true;
  }

  async deleteRun(runId: string): Promise<DeleteOutcome> {
    const item = await this.#getRunItem(runId);
    if (!item) return "missing";
    if (item.status?.S === "running") return "running";
    const keys = (await this.#query(runId, undefined)).map((found) => ({
      pk: found.pk as AttributeValue,
      sk: found.sk as AttributeValue,
    }));
    for (let start = 0; start < keys.length; start += 25) {
      let requests = keys.slice(start, start + 25).map((Key) => ({ DeleteRequest: { Key } }));
      while (requests.length > 0) {
        const result = await this.client.send(
          new BatchWriteItemCommand({ RequestItems: { [this.table]: requests } }),
        );
        requests = (result.UnprocessedItems?.[this.table] ?? []) as typeof requests;
      }
    }
    return "deleted";
  }

  async close(): Promise<void> {
    this.client.destroy();
  }
}
