import "server-only";
import { randomUUID } from "node:crypto";
import {
  type AttributeValue,
  BatchWriteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
} from "@aws-sdk/client-dynamodb";
import { type Item, isConditionFailure, num, str } from "@/lib/runs/store/dynamodb-events";
import type { Serialized } from "./versioned-saver";

/**
 * How the DynamoDB checkpointer's items sit in the runs table, and how a value too large for one
 * item is split over several.
 *
 * Keys. A thread's items share the partition `CKPT#<thread id>` (the run store's partitions start
 * RUN#, SHARE#, QUOTA#, SLOT#, so none can collide), so deleting a thread, in every namespace, is
 * one Query and batched deletes. Sort keys (`<ns>` is the checkpoint
 * namespace, "" for the root graph, with `%` and `#` escaped so `#` always ends a component; the
 * last component is kept verbatim, so it sorts as itself):
 * - `C#<ns>#<checkpoint id>`: a checkpoint without its channel values, and its metadata. Checkpoint
 *   ids are time-ordered uuid6, so a namespace's checkpoints sort oldest to newest;
 * - `B#<ns>#<channel>#<version>`: one channel's value at one version, written once;
 * - `W#<ns>#<checkpoint id>#<task id>#<idx>`: a pending write, found by its checkpoint's prefix;
 * - `P#<piece set id>#<index>`: a piece of an oversized value (below).
 * The partition `CKPT-THREADS` lists every thread (sort key = thread id): without Scan, which the
 * app's role is not granted, it is how `list` without a thread finds them. Every put refreshes its
 * thread's entry (and expiry), so puts across all threads share that one partition's limit of
 * 1,000 writes a second. Sort keys must stay within DynamoDB's 1,024 bytes: namespaces nested about
 * twenty subgraphs deep would not.
 *
 * Values. An item holds its serialized parts (a checkpoint and its metadata, or one value) framed
 * into one binary `body`, with `parts` = JSON [[serde type, byte length], …]. A body over
 * MAX_INLINE_BYTES (DynamoDB refuses items over 400 KB) is cut into pieces, each an item of its own
 * under a fresh piece set id, written before the item that names them (`pieceSet`, `pieces`): a
 * reader reaches pieces only through that item, so it never sees half of a value. A piece set left
 * behind (a writer that died between the two, or an item later overwritten) is never read again
 * and goes with the thread's TTL or deleteThread.
 *
 * Every item carries `expiresAt` (epoch seconds, now + retention) for DynamoDB's TTL, and none
 * carries the owner index's keys, so none enters that index.
 */

export const MAX_INLINE_BYTES = 300_000;
const BATCH_LIMIT = 25;
const PIECE_INDEX_WIDTH = 5;

export type SortKeyRange = { prefix: string } | { from: string; to: string };

const escapePart = (part: string) => part.replace(/[%#]/g, (char) => (char === "%" ? "%25" : "%23"));
const unescapePart = (part: string) => part.replace(/%2[35]/g, (code) => (code === "%25" ? "%" : "#"));

export const threadPk = (threadId: string) => `CKPT#${threadId}`;
export const THREADS_PK = "CKPT-THREADS";

export const sortKeys = {
  checkpoints: (ns: string | undefined) => (ns === undefined ? "C#" : `C#${escapePart(ns)}#`),
  checkpoint: (ns: string, checkpointId: string) => `C#${escapePart(ns)}#${checkpointId}`,
  value: (ns: string, channel: string, version: string) =>
    `B#${escapePart(ns)}#${escapePart(channel)}#${version}`,
  writes: (ns: string, checkpointId: string) => `W#${escapePart(ns)}#${escapePart(checkpointId)}#`,
  write: (ns: string, checkpointId: string, taskId: string, idx: number) =>
    `${sortKeys.writes(ns, checkpointId)}${escapePart(taskId)}#${idx}`,
  pieces: (pieceSet: string) => `P#${pieceSet}#`,
};

/** The namespace and checkpoint id a checkpoint's sort key names. */
export function parseCheckpointKey(sk: string): { ns: string; checkpointId: string } {
  const end = sk.indexOf("#", 2);
  return { ns: unescapePart(sk.slice(2, end)), checkpointId: sk.slice(end + 1) };
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const joined = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0));
  let offset = 0;
  for (const chunk of chunks) {
    joined.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return joined;
}

function frame(parts: Serialized[]): { body: Uint8Array; layout: string } {
  return {
    body: concat(parts.map((part) => part.bytes)),
    layout: JSON.stringify(parts.map((part) => [part.type, part.bytes.byteLength])),
  };
}

function unframe(body: Uint8Array, layout: string): Serialized[] {
  let offset = 0;
  return (JSON.parse(layout) as [string, number][]).map(([type, length]) => {
    const bytes = body.slice(offset, offset + length);
    offset += length;
    return { type, bytes };
  });
}

/** The checkpointer's reads and writes of raw items: keys, pieces, batches, TTL. */
export class CheckpointItems {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
    private readonly retentionSeconds: number,
  ) {}

  #expiresAt(): AttributeValue {
    return num(Math.floor(Date.now() / 1000) + this.retentionSeconds);
  }

  async get(pk: string, sk: string): Promise<Item | undefined> {
    const result = await this.client.send(
      new GetItemCommand({ TableName: this.table, Key: { pk: str(pk), sk: str(sk) }, ConsistentRead: true }),
    );
    return result.Item;
  }

  /** A partition's items in sort key order (or reversed), fetched a page at a time as consumed. */
  async *query(
    pk: string,
    range: SortKeyRange | undefined,
    options: { newestFirst?: boolean; pageSize?: number; keysOnly?: boolean } = {},
  ): AsyncGenerator<Item> {
    const values: Record<string, AttributeValue> = { ":pk": str(pk) };
    let condition = "pk = :pk";
    if (range && "prefix" in range) {
      condition += " AND begins_with(sk, :prefix)";
      values[":prefix"] = str(range.prefix);
    } else if (range) {
      condition += " AND sk BETWEEN :from AND :to";
      values[":from"] = str(range.from);
      values[":to"] = str(range.to);
    }
    let startKey: Item | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: condition,
          ExpressionAttributeValues: values,
          ProjectionExpression: options.keysOnly ? "pk, sk" : undefined,
          ConsistentRead: true,
          ScanIndexForward: !options.newestFirst,
          Limit: options.pageSize,
          ExclusiveStartKey: startKey,
        }),
      );
      yield* page.Items ?? [];
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  }

  /**
   * Writes an item holding `parts`, its pieces first when they are too large for one item. With
   * `ifAbsent`, an item already stored under the key stays as it is (and this returns false).
   */
  async write(
    pk: string,
    sk: string,
    parts: Serialized[],
    attributes: Item,
    mode: "replace" | "ifAbsent",
  ): Promise<boolean> {
    const { body, layout } = frame(parts);
    const item: Item = {
      pk: str(pk),
      sk: str(sk),
      ...attributes,
      parts: str(layout),
      expiresAt: this.#expiresAt(),
    };
    let pieceKeys: Item[] = [];
    if (body.byteLength > MAX_INLINE_BYTES) {
      const pieceSet = randomUUID();
      const pieces: Item[] = [];
      for (let start = 0; start < body.byteLength; start += MAX_INLINE_BYTES) {
        const index = String(pieces.length).padStart(PIECE_INDEX_WIDTH, "0");
        pieces.push({
          pk: str(pk),
          sk: str(`${sortKeys.pieces(pieceSet)}${index}`),
          body: { B: body.slice(start, start + MAX_INLINE_BYTES) },
          expiresAt: this.#expiresAt(),
        });
      }
      await this.#batchWrite(pieces.map((Item) => ({ PutRequest: { Item } })));
      pieceKeys = pieces.map(({ pk, sk }) => ({ pk, sk }) as Item);
      item.pieceSet = str(pieceSet);
      item.pieces = num(pieces.length);
    } else if (body.byteLength > 0) {
      item.body = { B: body };
    }
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.table,
          Item: item,
          ConditionExpression: mode === "ifAbsent" ? "attribute_not_exists(pk)" : undefined,
        }),
      );
      return true;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      // Nothing names these pieces: the item already stored under the key stays.
      await this.delete(pieceKeys);
      return false;
    }
  }

  /** The parts an item holds, its pieces read back and joined when it has them. */
  async read(item: Item): Promise<Serialized[]> {
    const layout = item.parts?.S ?? "[]";
    if (!item.pieceSet?.S) return unframe(item.body?.B ?? new Uint8Array(), layout);
    const pieces: Uint8Array[] = [];
    for await (const piece of this.query(item.pk?.S ?? "", { prefix: sortKeys.pieces(item.pieceSet.S) })) {
      pieces.push(piece.body?.B ?? new Uint8Array());
    }
    if (pieces.length !== Number(item.pieces?.N)) {
      throw new Error(`Checkpoint item ${item.sk?.S} has ${pieces.length} of its ${item.pieces?.N} pieces`);
    }
    return unframe(concat(pieces), layout);
  }

  /** Puts the item that lists a thread, refreshing its expiry. */
  async listThread(threadId: string): Promise<void> {
    await this.client.send(
      new PutItemCommand({
        TableName: this.table,
        Item: { pk: str(THREADS_PK), sk: str(threadId), expiresAt: this.#expiresAt() },
      }),
    );
  }

  /** Deletes items by key, 25 to a batch (no DeleteItem: the app's role is not granted it). */
  async delete(keys: Item[]): Promise<void> {
    await this.#batchWrite(keys.map((Key) => ({ DeleteRequest: { Key } })));
  }

  async #batchWrite(
    requests: NonNullable<BatchWriteItemCommand["input"]["RequestItems"]>[string],
  ): Promise<void> {
    for (let start = 0; start < requests.length; start += BATCH_LIMIT) {
      let pending = requests.slice(start, start + BATCH_LIMIT);
      for (let attempt = 0; pending.length > 0; attempt += 1) {
        if (attempt > 0)
          await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 25 * 2 ** attempt)));
        const result = await this.client.send(
          new BatchWriteItemCommand({ RequestItems: { [this.table]: pending } }),
        );
        pending = result.UnprocessedItems?.[this.table] ?? [];
      }
    }
  }
}
