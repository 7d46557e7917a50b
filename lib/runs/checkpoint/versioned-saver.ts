import "server-only";
import { isDeepStrictEqual } from "node:util";
import type { RunnableConfig } from "@langchain/core/runnables";
import {
  BaseCheckpointSaver,
  type ChannelVersions,
  type Checkpoint,
  type CheckpointMetadata,
  type CheckpointPendingWrite,
  type CheckpointTuple,
  compareWritesSortKeys,
  maxChannelVersion,
  type PendingWrite,
  TASKS,
  WRITES_IDX_MAP,
  writesSortKey,
} from "@langchain/langgraph-checkpoint";

/** Bytes the serializer (`serde`) produced, with the type it reads them back by. */
export interface Serialized {
  type: string;
  bytes: Uint8Array;
}

/** Where a checkpoint lives: its thread, namespace ("" for the root graph) and id. */
export interface CheckpointAddress {
  threadId: string;
  ns: string;
  checkpointId: string;
}

/** A checkpoint read back from storage, its channel values not yet filled in. */
export interface StoredCheckpoint {
  address: CheckpointAddress;
  parentId: string | undefined;
  checkpoint: Checkpoint;
  metadata: CheckpointMetadata;
}

/** A pending write read back from storage, its value still serialized. */
export interface StoredWrite {
  taskId: string;
  taskPath: string;
  idx: number;
  channel: string;
  value: Serialized;
}

/** The thread, namespace and checkpoint id a config names; any of them may be missing. */
export function readConfig(config: RunnableConfig | undefined): {
  threadId?: string;
  ns?: string;
  checkpointId?: string;
} {
  const configurable = config?.configurable ?? {};
  const text = (value: unknown) =>
    typeof value === "string" || typeof value === "number" ? String(value) : undefined;
  return {
    threadId: text(configurable.thread_id) || undefined,
    ns: text(configurable.checkpoint_ns),
    checkpointId: text(configurable.checkpoint_id) || undefined,
  };
}

export function configOf({ threadId, ns, checkpointId }: CheckpointAddress): RunnableConfig {
  return { configurable: { thread_id: threadId, checkpoint_ns: ns, checkpoint_id: checkpointId } };
}

/** `list`'s metadata filter: every field given must equal the checkpoint's, deeply. */
export function matchesFilter(metadata: unknown, filter: Record<string, unknown> | undefined): boolean {
  const fields = (metadata ?? {}) as Record<string, unknown>;
  return Object.entries(filter ?? {}).every(
    ([key, value]) => value === undefined || isDeepStrictEqual(fields[key], value),
  );
}

/** The text a channel version is stored under (a number prints the same after a JSON round trip). */
export const versionKey = (version: string | number) => String(version);

function requireThread(config: RunnableConfig, action: string): { threadId: string; ns: string } {
  const { threadId, ns } = readConfig(config);
  if (!config.configurable || !threadId) {
    throw new Error(`Failed to ${action}: the config has no "configurable.thread_id" to write to.`);
  }
  return { threadId, ns: ns ?? "" };
}

/**
 * What both checkpointers here share, done the way LangGraph's own savers do it. A checkpoint is
 * stored without its channel values; each value is stored once per (channel, version), and only
 * when `newVersions` names it, as the Postgres savers store blobs, so an unchanged channel (a long
 * message history) is not copied into every step. Special writes (error, interrupt, resume,
 * scheduled) have fixed negative indexes and replace their earlier value; ordinary writes never
 * replace one. Pending writes come back in LangGraph's (task path, task id, idx) order.
 */
export abstract class VersionedCheckpointSaver extends BaseCheckpointSaver {
  /**
   * One more than the current whole number, plus a random fraction. Values are stored per
   * version, so two branches forked from one checkpoint must never give different values the
   * same version (the Python Postgres saver adds a random suffix for the same reason); versions
   * stay numbers, as the JS graph runtime expects, and still increase.
   */
  override getNextVersion(current: number | undefined): number {
    const whole = current === undefined ? 0 : Math.floor(current);
    return whole + 1 + Math.random() * 0.999_999;
  }

  protected async serialize(value: unknown): Promise<Serialized> {
    const [type, bytes] = await this.serde.dumpsTyped(value);
    return { type, bytes };
  }

  /** What a put stores: the checkpoint without values, its metadata, and the changed values. */
  protected async checkpointToStore(
    config: RunnableConfig,
    checkpoint: Checkpoint,
    metadata: CheckpointMetadata,
    newVersions: ChannelVersions,
  ) {
    const { threadId, ns } = requireThread(config, "put a checkpoint");
    const { channel_values: values, ...head } = checkpoint;
    const changed = Object.entries(newVersions).filter(([channel]) => channel in values);
    return {
      address: { threadId, ns, checkpointId: checkpoint.id },
      parentId: readConfig(config).checkpointId,
      head: await this.serialize(head),
      metadata: await this.serialize(metadata),
      /** The channels that have a value: a reader need look for no others. */
      valued: Object.keys(values),
      values: await Promise.all(
        changed.map(async ([channel, version]) => ({
          channel,
          version: versionKey(version),
          ...(await this.serialize(values[channel])),
        })),
      ),
    };
  }

  /** What a putWrites stores: one write per index, the later one where a special channel recurs. */
  protected async writesToStore(config: RunnableConfig, writes: PendingWrite[], taskId: string) {
    const { threadId, ns } = requireThread(config, "put writes");
    const { checkpointId } = readConfig(config);
    if (!checkpointId) {
      throw new Error(
        'Failed to put writes: the config has no "configurable.checkpoint_id" to attach them to.',
      );
    }
    const byIndex = new Map<number, { channel: string; value: unknown; replaces: boolean }>();
    for (const [position, [channel, value]] of writes.entries()) {
      const idx = WRITES_IDX_MAP[channel] ?? position;
      if (idx < 0 || !byIndex.has(idx)) byIndex.set(idx, { channel, value, replaces: idx < 0 });
    }
    return {
      address: { threadId, ns, checkpointId },
      writes: await Promise.all(
        [...byIndex].map(async ([idx, { channel, value, replaces }]) => ({
          taskId,
          idx,
          channel,
          replaces,
          ...(await this.serialize(value)),
        })),
      ),
    };
  }

  protected async readCheckpoint(
    address: CheckpointAddress,
    parentId: string | undefined,
    head: Serialized,
    metadata: CheckpointMetadata,
  ): Promise<StoredCheckpoint> {
    const stored = await this.serde.loadsTyped(head.type, head.bytes);
    return { address, parentId, metadata, checkpoint: { ...stored, channel_values: {} } };
  }

  /**
   * Checkpoints older than format 4 kept their pending sends in the parent's TASKS writes, which
   * LangGraph's savers move into the TASKS channel when reading one.
   */
  protected needsParentWrites({ checkpoint, parentId }: StoredCheckpoint): boolean {
    return checkpoint.v < 4 && parentId !== undefined;
  }

  /** A stored checkpoint made whole: its values, its pending writes in order, its parent. */
  protected async completeTuple(
    { address, parentId, checkpoint, metadata }: StoredCheckpoint,
    values: [channel: string, value: Serialized][],
    writes: StoredWrite[],
    parentWrites: StoredWrite[] | undefined,
  ): Promise<CheckpointTuple> {
    for (const [channel, value] of values) {
      checkpoint.channel_values[channel] = await this.serde.loadsTyped(value.type, value.bytes);
    }
    if (parentWrites) {
      const versions = Object.values(checkpoint.channel_versions);
      const sends = (await this.#loadWrites(parentWrites)).filter(([, channel]) => channel === TASKS);
      checkpoint.channel_values[TASKS] = sends.map(([, , value]) => value);
      checkpoint.channel_versions[TASKS] =
        versions.length > 0 ? maxChannelVersion(...versions) : this.getNextVersion(undefined);
    }
    return {
      config: configOf(address),
      checkpoint,
      metadata,
      parentConfig: parentId ? configOf({ ...address, checkpointId: parentId }) : undefined,
      pendingWrites: await this.#loadWrites(writes),
    };
  }

  async #loadWrites(writes: StoredWrite[]): Promise<CheckpointPendingWrite[]> {
    const keyed = writes.map((write) => ({
      write,
      key: writesSortKey(write.taskPath, write.taskId, write.idx),
    }));
    keyed.sort((a, b) => compareWritesSortKeys(a.key, b.key));
    return Promise.all(
      keyed.map(
        async ({ write }): Promise<CheckpointPendingWrite> => [
          write.taskId,
          write.channel,
          await this.serde.loadsTyped(write.value.type, write.value.bytes),
        ],
      ),
    );
  }
}
