import "server-only";
import {
  type AttributeValue,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
} from "@aws-sdk/client-dynamodb";
import type { StoredEvent } from "./types";

/** Stay well under DynamoDB's 400 KB item limit. */
export const MAX_BATCH_BYTES = 300_000;
/** UTF-16 units per piece of an oversized event: at most 3 UTF-8 bytes each, so within a batch. */
const PIECE_UNITS = MAX_BATCH_BYTES / 3;
const SEQ_WIDTH = 10;

export type Item = Record<string, AttributeValue>;

export const runKey = (runId: string) => ({ S: `RUN#${runId}` });
export const padSeq = (seq: number) => String(seq).padStart(SEQ_WIDTH, "0");
export const str = (value: string): AttributeValue => ({ S: value });
export const num = (value: number): AttributeValue => ({ N: String(value) });

export function isConditionFailure(error: unknown): boolean {
  return (
    error instanceof ConditionalCheckFailedException ||
    (error as { name?: string })?.name === "ConditionalCheckFailedException"
  );
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

/**
 * A run's stream events in the runs table: pk = RUN#<id>, sk = EVT#<first seq, zero-padded>,
 * events = "seq<TAB>json" lines, one item per flush (not per token). One event too large for an
 * item (a long result) has an item of its own holding its first piece, with `pieces` = how many;
 * the rest sit at sk = EVP#<seq>#<piece index>, outside the EVT# range that reads walk, and are
 * written before the item that makes them visible. Each batch item is written with
 * attribute_not_exists at the position right after the last stored event, so two writers can
 * never both extend the stream from the same place.
 */
export class DynamoEvents {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
    private readonly expiresAt: () => AttributeValue,
  ) {}

  /** A run's items whose sort key lies between `range` (inclusive), or all of them without one. */
  async query(
    runId: string,
    range: [from: string, to: string] | undefined,
    options: { limit?: number; newestFirst?: boolean } = {},
  ): Promise<Item[]> {
    const items: Item[] = [];
    let startKey: Item | undefined;
    do {
      // Bounds are never empty strings: DynamoDB refuses an empty key value, in a key condition too.
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: range ? "pk = :pk AND sk BETWEEN :from AND :to" : "pk = :pk",
          ExpressionAttributeValues: range
            ? { ":pk": runKey(runId), ":from": str(range[0]), ":to": str(range[1]) }
            : { ":pk": runKey(runId) },
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

  /**
   * Writes events as new batch items, each only if nothing is stored at its position yet. A batch
   * already stored with exactly our content is our own earlier attempt (its write succeeded but
   * the run update after it did not) and counts as written, unless `exclusive` is asked for.
   */
  async put(runId: string, events: StoredEvent[], options: { exclusive?: boolean } = {}): Promise<void> {
    for (const batch of batchEvents(events)) {
      const first = padSeq(batch[0]?.seq ?? 0);
      const key = { pk: runKey(runId), sk: str(`EVT#${first}`) };
      let lines = batch.map((event) => `${event.seq}\t${event.json}`).join("\n");
      let pieces: AttributeValue | undefined;
      if (Buffer.byteLength(lines, "utf8") > MAX_BATCH_BYTES) {
        // One event alone is larger than an item: its later pieces go first, invisible until the
        // head item below (the commit, as for any batch) names how many there are.
        const cut = cutIntoPieces(lines);
        for (const [index, piece] of cut.entries()) {
          if (index === 0) continue;
          const sk = str(`EVP#${first}#${String(index).padStart(4, "0")}`);
          await this.client.send(
            new PutItemCommand({
              TableName: this.table,
              Item: { pk: runKey(runId), sk, events: str(piece), expiresAt: this.expiresAt() },
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
            Item: { ...key, events: str(lines), ...(pieces ? { pieces } : {}), expiresAt: this.expiresAt() },
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
          await this.put(runId, batch.slice(stored.split("\n").length), options);
          continue;
        }
        throw error;
      }
    }
  }

  /** An event item's lines, its pieces joined back when one event was split over several items. */
  async eventsOf(runId: string, item: Item | undefined): Promise<StoredEvent[]> {
    if (!item?.events?.S) return [];
    let text = item.events.S;
    if (item.pieces?.N) {
      const first = item.sk?.S?.slice("EVT#".length) ?? "";
      const rest = await this.query(runId, [`EVP#${first}#`, `EVP#${first}#~`]);
      if (rest.length !== Number(item.pieces.N) - 1) {
        throw new Error(`Event ${first} of ${runId} is incomplete`);
      }
      text += rest.map((piece) => piece.events?.S ?? "").join("");
    }
    return text.split("\n").map((line) => {
      const tab = line.indexOf("\t");
      return { seq: Number(line.slice(0, tab)), json: line.slice(tab + 1) };
    });
  }

  /** Events with seq > afterSeq, in order, at most `limit`. */
  async read(runId: string, afterSeq: number, limit: number): Promise<StoredEvent[]> {
    // Batches are keyed by their first seq: the batch holding afterSeq + 1 is the last one that
    // starts at or before it; every later batch follows.
    const [holding] = await this.query(runId, ["EVT#", `EVT#${padSeq(afterSeq + 1)}`], {
      limit: 1,
      newestFirst: true,
    });
    const later = await this.query(runId, [`EVT#${padSeq(afterSeq + 2)}`, "EVT#~"]);
    const events: StoredEvent[] = [];
    for (const item of [holding, ...later]) {
      for (const event of await this.eventsOf(runId, item)) {
        if (event.seq > afterSeq && event.seq === afterSeq + events.length + 1) events.push(event);
        if (events.length >= limit) return events;
      }
    }
    return events;
  }

  /** The last stored event's sequence number (0 for none). */
  async lastSeq(runId: string): Promise<number> {
    const [lastItem] = await this.query(runId, ["EVT#", "EVT#~"], { limit: 1, newestFirst: true });
    return (await this.eventsOf(runId, lastItem)).at(-1)?.seq ?? 0;
  }
}
