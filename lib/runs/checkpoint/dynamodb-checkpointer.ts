import "server-only";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { RunnableConfig } from "@langchain/core/runnables";
import type {
  ChannelVersions,
  Checkpoint,
  CheckpointListOptions,
  CheckpointMetadata,
  CheckpointTuple,
  PendingWrite,
  SerializerProtocol,
} from "@langchain/langgraph-checkpoint";
import { type Item, num, str } from "@/lib/runs/store/dynamodb-events";
import {
  CheckpointItems,
  parseCheckpointKey,
  sortKeys,
  THREADS_PK,
  threadPk,
} from "./dynamodb-checkpoint-items";
import {
  type CheckpointAddress,
  configOf,
  matchesFilter,
  readConfig,
  type Serialized,
  type StoredCheckpoint,
  type StoredWrite,
  VersionedCheckpointSaver,
  versionKey,
} from "./versioned-saver";

/**
 * LangGraph's checkpoints in the runs table, beside the run store's items, so a graph paused by
 * `interrupt()` can be resumed by any server process. The item layout and the splitting of large
 * values are described in dynamodb-checkpoint-items.ts.
 *
 * A checkpoint item holds the checkpoint without its channel values, its metadata, its parent's id
 * (`parent`) and the channels that had a value (`channels`, JSON); each value is an item of its own
 * per (channel, version), written only when `newVersions` names it, as LangGraph's Postgres saver
 * does, and never overwritten. A put writes the values (and any pieces) first and the checkpoint
 * item last: until that one write, nothing refers to the new items, so a reader sees a checkpoint
 * whole or not at all, without transactions (the app's role may use only GetItem, PutItem,
 * UpdateItem, Query and BatchWriteItem). Reads are strongly consistent: a resume in another process
 * right after a pause must see the pause's checkpoint.
 *
 * Every item expires `retentionSeconds` after it is written. A value carried over unchanged keeps
 * the expiry of the put that wrote it, so a thread should not outlive the retention; the run store
 * expires a run's items at its creation plus the same retention, which bounds a run's thread the
 * same way.
 */
export class DynamoCheckpointer extends VersionedCheckpointSaver {
  readonly #items: CheckpointItems;

  constructor(client: DynamoDBClient, table: string, retentionSeconds: number, serde?: SerializerProtocol) {
    super(serde);
    this.#items = new CheckpointItems(client, table, retentionSeconds);
  }

  async getTuple(config: RunnableConfig): Promise<CheckpointTuple | undefined> {
    const { threadId, ns = "", checkpointId } = readConfig(config);
    if (!threadId) return undefined;
    const pk = threadPk(threadId);
    const item = checkpointId
      ? await this.#items.get(pk, sortKeys.checkpoint(ns, checkpointId))
      : await first(
          this.#items.query(pk, { prefix: sortKeys.checkpoints(ns) }, { newestFirst: true, pageSize: 1 }),
        );
    return item ? this.#tuple(await this.#readCheckpointItem(threadId, item)) : undefined;
  }

  async *list(config: RunnableConfig, options: CheckpointListOptions = {}): AsyncGenerator<CheckpointTuple> {
    const { threadId, ns, checkpointId } = readConfig(config);
    const beforeId = readConfig(options.before).checkpointId;
    let remaining = options.limit ?? Number.POSITIVE_INFINITY;
    if (remaining <= 0) return;
    for await (const [itemThread, item] of this.#checkpointItems(threadId, ns, beforeId, remaining)) {
      const { checkpointId: id } = parseCheckpointKey(item.sk?.S ?? "");
      if ((checkpointId && id !== checkpointId) || (beforeId && !(id < beforeId))) continue;
      const stored = await this.#readCheckpointItem(itemThread, item);
      if (!matchesFilter(stored.metadata, options.filter)) continue;
      yield await this.#tuple(stored);
      remaining -= 1;
      if (remaining <= 0) return;
    }
  }

  async put(
    config: RunnableConfig,
    checkpoint: Checkpoint,
    metadata: CheckpointMetadata,
    newVersions: ChannelVersions,
  ): Promise<RunnableConfig> {
    const stored = await this.checkpointToStore(config, checkpoint, metadata, newVersions);
    const { threadId, ns, checkpointId } = stored.address;
    const pk = threadPk(threadId);
    await Promise.all([
      this.#items.listThread(threadId),
      ...stored.values.map((value) =>
        this.#items.write(pk, sortKeys.value(ns, value.channel, value.version), [value], {}, "ifAbsent"),
      ),
    ]);
    // Last: until this item exists, nothing refers to the values and pieces written above.
    await this.#items.write(
      pk,
      sortKeys.checkpoint(ns, checkpointId),
      [stored.head, stored.metadata],
      {
        channels: str(JSON.stringify(stored.valued)),
        ...(stored.parentId ? { parent: str(stored.parentId) } : {}),
      },
      "replace",
    );
    return configOf(stored.address);
  }

  async putWrites(
    config: RunnableConfig,
    writes: PendingWrite[],
    taskId: string,
    taskPath = "",
  ): Promise<void> {
    const stored = await this.writesToStore(config, writes, taskId);
    const { threadId, ns, checkpointId } = stored.address;
    await Promise.all(
      stored.writes.map((write) =>
        this.#items.write(
          threadPk(threadId),
          sortKeys.write(ns, checkpointId, taskId, write.idx),
          [write],
          {
            channel: str(write.channel),
            taskId: str(taskId),
            idx: num(write.idx),
            ...(taskPath ? { taskPath: str(taskPath) } : {}),
          },
          write.replaces ? "replace" : "ifAbsent",
        ),
      ),
    );
  }

  /** Deletes every item of the thread, in every namespace, and its entry in the thread list. */
  async deleteThread(threadId: string): Promise<void> {
    if (!threadId) return;
    const keys: Item[] = [];
    for await (const item of this.#items.query(threadPk(threadId), undefined, { keysOnly: true })) {
      keys.push({ pk: item.pk, sk: item.sk } as Item);
    }
    await this.#items.delete([...keys, { pk: str(THREADS_PK), sk: str(threadId) }]);
  }

  /**
   * Checkpoint items for `list`, newest first. One thread and namespace is read a page at a time;
   * several (no namespace, or no thread) are read whole and sorted, since no one key orders them.
   */
  async *#checkpointItems(
    threadId: string | undefined,
    ns: string | undefined,
    beforeId: string | undefined,
    limit: number,
  ): AsyncGenerator<[string, Item]> {
    if (threadId && ns !== undefined) {
      const range = beforeId
        ? { from: sortKeys.checkpoints(ns), to: sortKeys.checkpoint(ns, beforeId) }
        : { prefix: sortKeys.checkpoints(ns) };
      const pageSize = Math.min(Math.max(limit, 1), 25);
      for await (const item of this.#items.query(threadPk(threadId), range, {
        newestFirst: true,
        pageSize,
      })) {
        yield [threadId, item];
      }
      return;
    }
    const threads: string[] = [];
    if (threadId) threads.push(threadId);
    else for await (const item of this.#items.query(THREADS_PK, undefined)) threads.push(item.sk?.S ?? "");
    const found: { thread: string; item: Item; order: string[] }[] = [];
    for (const thread of threads) {
      for await (const item of this.#items.query(threadPk(thread), { prefix: sortKeys.checkpoints(ns) })) {
        const key = parseCheckpointKey(item.sk?.S ?? "");
        found.push({ thread, item, order: [key.checkpointId, thread, key.ns] });
      }
    }
    found.sort((a, b) => compareDescending(a.order, b.order));
    for (const { thread, item } of found) yield [thread, item];
  }

  async #readCheckpointItem(
    threadId: string,
    item: Item,
  ): Promise<StoredCheckpoint & { channels?: string[] }> {
    const [head, metadata] = await this.#items.read(item);
    if (!head || !metadata) throw new Error(`Checkpoint item ${item.sk?.S} holds no checkpoint`);
    const stored = await this.readCheckpoint(
      { threadId, ...parseCheckpointKey(item.sk?.S ?? "") },
      item.parent?.S,
      head,
      await this.serde.loadsTyped(metadata.type, metadata.bytes),
    );
    return { ...stored, channels: item.channels?.S ? (JSON.parse(item.channels.S) as string[]) : undefined };
  }

  async #tuple(stored: StoredCheckpoint & { channels?: string[] }): Promise<CheckpointTuple> {
    const { address, parentId, checkpoint } = stored;
    const pk = threadPk(address.threadId);
    const channels = (stored.channels ?? Object.keys(checkpoint.channel_versions)).filter(
      (channel) => channel in checkpoint.channel_versions,
    );
    const [values, writes, parentWrites] = await Promise.all([
      Promise.all(
        channels.map(async (channel) => {
          const version = versionKey(checkpoint.channel_versions[channel] ?? "");
          const item = await this.#items.get(pk, sortKeys.value(address.ns, channel, version));
          const [value] = item ? await this.#items.read(item) : [];
          return value ? [[channel, value] as [string, Serialized]] : [];
        }),
      ),
      this.#writes(address),
      parentId && this.needsParentWrites(stored)
        ? this.#writes({ ...address, checkpointId: parentId })
        : undefined,
    ]);
    return this.completeTuple(stored, values.flat(), writes, parentWrites);
  }

  async #writes({ threadId, ns, checkpointId }: CheckpointAddress): Promise<StoredWrite[]> {
    const writes: StoredWrite[] = [];
    for await (const item of this.#items.query(threadPk(threadId), {
      prefix: sortKeys.writes(ns, checkpointId),
    })) {
      const [value] = await this.#items.read(item);
      if (!value) throw new Error(`Write item ${item.sk?.S} holds no value`);
      writes.push({
        taskId: item.taskId?.S ?? "",
        taskPath: item.taskPath?.S ?? "",
        idx: Number(item.idx?.N),
        channel: item.channel?.S ?? "",
        value,
      });
    }
    return writes;
  }
}

function compareDescending(a: string[], b: string[]): number {
  for (const [index, part] of a.entries()) {
    const other = b[index] ?? "";
    if (part !== other) return part < other ? 1 : -1;
  }
  return 0;
}

async function first<T>(items: AsyncGenerator<T>): Promise<T | undefined> {
  for await (const item of items) return item;
  return undefined;
}
