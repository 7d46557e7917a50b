import "server-only";
import {
  type AttributeValue,
  BatchWriteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import { RUNS_TABLE_SCHEMA } from "./dynamo-table";
import { DynamoEvents, type Item, isConditionFailure, num, runKey, str } from "./dynamodb-events";
import { DynamoQuotas } from "./dynamodb-quotas";
import type { AdmissionOutcome, AdmissionRequest, VisitorUsage } from "./quota-types";
import { decodeCursor, encodeCursor } from "./sqlite-store";
import {
  type CloseWaitingOptions,
  type DeleteOutcome,
  type InterruptOptions,
  isFiltered,
  type ListRunsOptions,
  matchesFilters,
  ProgressConflictError,
  parseStoredRun,
  type RunListFilters,
  type RunLookup,
  type RunPage,
  type RunProgress,
  type RunStore,
  runSummarySchema,
  type StopOutcome,
  type StopRequest,
  type StoredEvent,
  type StoredRun,
  type StoredStep,
  stopRequestSchema,
  storedStepSchema,
  summarizeRun,
} from "./types";

/**
 * The runs table's single-table layout (the infrastructure creates it: infra/runs-table.ts):
 * - the run:    pk = RUN#<id>, sk = RUN, data = the run as JSON, plus the fields conditions read
 *               (status, lastSeq, heartbeatAt) and those others change while the run writes
 *               `data` (owner, stopRequest, shareToken: attributes of their own, so a live run's
 *               save never overwrites them); ownerPk/ownerSk key it in the `byOwner` index, whose
 *               only projected field, `listing`, is written when the run starts, pauses, resumes and ends
 *               (it holds the workflow and status a filtered list reads);
 * - its steps:  pk = RUN#<id>, sk = STEP#<task id>, data = JSON;
 * - its events: see dynamodb-events.ts;
 * - a share:    pk = SHARE#<token>, sk = SHARE, runId;
 * - quotas:     see dynamodb-quotas.ts.
 * No transactions: every write is a single-item conditional write. Every item carries expiresAt
 * for DynamoDB's TTL.
 */
const RUN_SK = "RUN";
const SHARE_SK = "SHARE";
/** How many index entries one query of a filtered list reads. */
const FILTERED_QUERY_LIMIT = 100;
/** A filtered page answers, short if need be, once it has read this many index entries. */
const MAX_LISTING_READS = 1000;
/** A step's output kept in its item (its whole text is in the events). */
const MAX_STEP_OUTPUT_BYTES = 200_000;

const runItemKey = (runId: string) => ({ pk: runKey(runId), sk: str(RUN_SK) });
const shareKey = (token: string) => ({ pk: str(`SHARE#${token}`), sk: str(SHARE_SK) });
const ownerPk = (owner: string) => str(`OWNER#${owner}`);
const ownerSk = (createdAt: number, runId: string) => str(`${String(createdAt).padStart(15, "0")}#${runId}`);

function parseJson(text: string | undefined): unknown {
  try {
    return text === undefined ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A step as its item holds it: an output too long for the item keeps its beginning. */
function stepForItem(step: StoredStep): StoredStep {
  if (Buffer.byteLength(step.output, "utf8") <= MAX_STEP_OUTPUT_BYTES) return step;
  let output = step.output.slice(0, MAX_STEP_OUTPUT_BYTES / 3);
  const last = output.charCodeAt(output.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) output = output.slice(0, -1);
  return { ...step, output, outputTruncated: true };
}

const listedFieldsSchema = runSummarySchema.pick({ workflow: true, status: true });

/** Whether an index entry's `listing` passes the filters; an unreadable one never does. */
function listingMatches(item: Item, filters: RunListFilters): boolean {
  const listed = listedFieldsSchema.safeParse(parseJson(item.listing?.S));
  return listed.success && matchesFilters(listed.data, filters);
}

/** The run as `data` holds it: without the fields that live in attributes of their own. */
function dataOf(run: StoredRun): AttributeValue {
  return str(JSON.stringify({ ...run, stopRequest: undefined, shareToken: undefined }));
}

export class DynamoRunStore implements RunStore {
  readonly kind = "dynamodb" as const;
  readonly #events: DynamoEvents;
  readonly #quotas: DynamoQuotas;

  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
    private readonly retentionSeconds: number,
  ) {
    this.#events = new DynamoEvents(client, table, () => this.#expiresAt(Date.now()));
    this.#quotas = new DynamoQuotas(client, table);
  }

  #expiresAt(now: number): AttributeValue {
    return num(Math.floor(now / 1000) + this.retentionSeconds);
  }

  #runItem(run: StoredRun): Item {
    return {
      ...runItemKey(run.id),
      id: str(run.id),
      owner: str(run.owner),
      ownerPk: ownerPk(run.owner),
      ownerSk: ownerSk(run.createdAt, run.id),
      listing: str(JSON.stringify(summarizeRun(run))),
      createdAt: num(run.createdAt),
      status: str(run.status),
      lastSeq: num(run.lastSeq),
      heartbeatAt: num(run.heartbeatAt),
      data: dataOf(run),
      expiresAt: this.#expiresAt(run.createdAt),
    };
  }

  async #getRunItem(runId: string): Promise<Item | undefined> {
    const result = await this.client.send(
      new GetItemCommand({ TableName: this.table, Key: runItemKey(runId), ConsistentRead: true }),
    );
    return result.Item;
  }

  /** The run an item holds, with the fields kept in attributes of their own merged back. */
  #entry(item: Item, fallbackId: string) {
    const data = parseJson(item.data?.S);
    if (!data || typeof data !== "object") return parseStoredRun(item.id?.S ?? fallbackId, data);
    const stopRequest = parseJson(item.stopRequest?.S);
    return parseStoredRun(item.id?.S ?? fallbackId, {
      ...data,
      ...(item.owner?.S !== undefined ? { owner: item.owner.S } : {}),
      ...(stopRequest ? { stopRequest } : {}),
      ...(item.shareToken?.S ? { shareToken: item.shareToken.S } : {}),
    });
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
    const lookup = item ? this.#entry(item, runId) : undefined;
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
        this.#events.put(runId, progress.events),
        ...progress.steps.map((step) =>
          this.client.send(
            new PutItemCommand({
              TableName: this.table,
              Item: {
                pk: runKey(runId),
                sk: str(`STEP#${step.taskId}`),
                data: str(JSON.stringify(stepForItem(step))),
                expiresAt: this.#expiresAt(run.createdAt),
              },
            }),
          ),
        ),
      ]);
      const next: StoredRun = { ...run, ...progress.run, lastSeq: seq };
      // The listing (the index's one projected field) changes only when the run ends.
      const ended = next.status !== "running";
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: runItemKey(runId),
          UpdateExpression: `SET #status = :status, lastSeq = :seq, heartbeatAt = :hb, #data = :data${ended ? ", listing = :listing" : ""}`,
          ConditionExpression: "#status = :running AND lastSeq = :expected",
          ExpressionAttributeNames: { "#status": "status", "#data": "data" },
          ExpressionAttributeValues: {
            ":status": str(next.status),
            ":seq": num(seq),
            ":hb": num(next.heartbeatAt),
            ":data": dataOf(next),
            ":running": str("running"),
            ":expected": num(expected),
            ...(ended ? { ":listing": str(JSON.stringify(summarizeRun(next))) } : {}),
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
    const entry = this.#entry(item, runId);
    return entry.kind === "corrupt" ? { ...entry, owner: item.owner?.S } : entry;
  }

  async getSteps(runId: string): Promise<StoredStep[]> {
    const items = await this.#events.query(runId, ["STEP#", "STEP#~"]);
    return items.flatMap((item) => {
      const parsed = storedStepSchema.safeParse(parseJson(item.data?.S));
      return parsed.success ? [parsed.data] : [];
    });
  }

  readEvents(runId: string, afterSeq: number, limit = 1000): Promise<StoredEvent[]> {
    return this.#events.read(runId, afterSeq, limit);
  }

  async listRuns({ owner, limit, cursor, ...filters }: ListRunsOptions): Promise<RunPage> {
    const after = cursor ? decodeCursor(cursor) : undefined;
    const filtered = isFiltered(filters);
    let startKey: Item | undefined = after
      ? { ownerPk: ownerPk(owner), ownerSk: ownerSk(after[0], after[1]), ...runItemKey(after[1]) }
      : undefined;
    const kept: Item[] = [];
    let read = 0;
    let lastRead: string | undefined;
    let more: boolean;
    // The index projects only `listing`, which holds the workflow and the status: a filter is
    // applied here to what each query returns (what a FilterExpression would cost: DynamoDB reads
    // the same items either way), reading on until the page is full or MAX_LISTING_READS is spent.
    for (;;) {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: RUNS_TABLE_SCHEMA.ownerIndex.name,
          KeyConditionExpression: "ownerPk = :owner",
          ExpressionAttributeValues: { ":owner": ownerPk(owner) },
          ScanIndexForward: false,
          Limit: filtered ? FILTERED_QUERY_LIMIT : limit - kept.length,
          ExclusiveStartKey: startKey,
        }),
      );
      const items = page.Items ?? [];
      let index = 0;
      for (; index < items.length && kept.length < limit; index++) {
        const item = items[index] as Item;
        read += 1;
        lastRead = item.ownerSk?.S;
        if (!filtered || listingMatches(item, filters)) kept.push(item);
      }
      startKey = page.LastEvaluatedKey;
      more = index < items.length || startKey !== undefined;
      if (!more || kept.length >= limit || read >= MAX_LISTING_READS) break;
    }
    const entries = await Promise.all(kept.map((item) => this.#listEntry(item)));
    return {
      // A run listed as running is read live, and may have ended since.
      entries: filtered
        ? entries.filter((entry) => entry.kind === "found" && matchesFilters(entry.run, filters))
        : entries,
      nextCursor:
        more && lastRead ? encodeCursor(Number(lastRead.slice(0, 15)), lastRead.slice(16)) : undefined,
    };
  }

  /**
   * A history entry from the index's listing. A run listed as running is read from its item, for
   * its liveness: the listing is not rewritten while it runs.
   */
  async #listEntry(item: Item): Promise<RunPage["entries"][number]> {
    const id = item.pk?.S?.slice("RUN#".length) ?? "unknown";
    const listed = parseJson(item.listing?.S);
    const owner = item.ownerPk?.S?.slice("OWNER#".length);
    const parsed = runSummarySchema.safeParse(
      listed && typeof listed === "object" && owner !== undefined ? { ...listed, owner } : listed,
    );
    if (!parsed.success) return parseStoredRun(id, undefined);
    if (parsed.data.status !== "running") return { kind: "found", run: parsed.data };
    const live = await this.getRun(id);
    if (live.kind === "found") return { kind: "found", run: summarizeRun(live.run) };
    return live.kind === "corrupt" ? live : { kind: "found", run: parsed.data };
  }

  async shareRun(runId: string, owner: string, token: string): Promise<string | undefined> {
    const item = await this.#getRunItem(runId);
    if (!item || item.owner?.S !== owner) return undefined;
    if (item.shareToken?.S) return item.shareToken.S;
    await this.client.send(
      new PutItemCommand({
        TableName: this.table,
        Item: {
          ...shareKey(token),
          runId: str(runId),
          expiresAt: this.#expiresAt(Number(item.createdAt?.N)),
        },
        ConditionExpression: "attribute_not_exists(pk)",
      }),
    );
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: runItemKey(runId),
          UpdateExpression: "SET shareToken = :token",
          ConditionExpression: "#owner = :owner AND attribute_not_exists(shareToken)",
          ExpressionAttributeNames: { "#owner": "owner" },
          ExpressionAttributeValues: { ":token": str(token), ":owner": str(owner) },
        }),
      );
      return token;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      // Shared meanwhile by another request: that link stands, ours goes.
      await this.#deleteItems([shareKey(token)]);
      const now = await this.#getRunItem(runId);
      return now?.owner?.S === owner ? now.shareToken?.S : undefined;
    }
  }

  async unshareRun(runId: string, owner: string): Promise<boolean> {
    const item = await this.#getRunItem(runId);
    if (!item || item.owner?.S !== owner) return false;
    const token = item.shareToken?.S;
    if (!token) return true;
    await this.client.send(
      new UpdateItemCommand({
        TableName: this.table,
        Key: runItemKey(runId),
        UpdateExpression: "REMOVE shareToken",
        ConditionExpression: "#owner = :owner",
        ExpressionAttributeNames: { "#owner": "owner" },
        ExpressionAttributeValues: { ":owner": str(owner) },
      }),
    );
    await this.#deleteItems([shareKey(token)]);
    return true;
  }

  async findSharedRun(token: string): Promise<string | undefined> {
    const result = await this.client.send(
      new GetItemCommand({ TableName: this.table, Key: shareKey(token), ConsistentRead: true }),
    );
    return result.Item?.runId?.S;
  }

  async reassignRuns(from: string, to: string): Promise<number> {
    let moved = 0;
    let startKey: Item | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: RUNS_TABLE_SCHEMA.ownerIndex.name,
          KeyConditionExpression: "ownerPk = :owner",
          ExpressionAttributeValues: { ":owner": ownerPk(from) },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        try {
          await this.client.send(
            new UpdateItemCommand({
              TableName: this.table,
              Key: { pk: item.pk as AttributeValue, sk: item.sk as AttributeValue },
              UpdateExpression: "SET #owner = :to, ownerPk = :toPk",
              ConditionExpression: "#owner = :from",
              ExpressionAttributeNames: { "#owner": "owner" },
              ExpressionAttributeValues: { ":to": str(to), ":toPk": ownerPk(to), ":from": str(from) },
            }),
          );
          moved += 1;
        } catch (error) {
          if (!isConditionFailure(error)) throw error;
        }
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return moved;
  }

  async requestStop(runId: string, request: StopRequest): Promise<StopOutcome> {
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: runItemKey(runId),
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
        Key: runItemKey(runId),
        ProjectionExpression: "stopRequest",
        ConsistentRead: true,
      }),
    );
    const parsed = stopRequestSchema.safeParse(parseJson(result.Item?.stopRequest?.S));
    return parsed.success ? parsed.data : undefined;
  }

  async resumeRun(
    runId: string,
    options: { heartbeatAt: number },
  ): Promise<
    { kind: "resumed"; run: StoredRun } | { kind: "missing" } | { kind: "not_waiting"; status: string }
  > {
    const item = await this.#getRunItem(runId);
    if (!item) return { kind: "missing" };
    const lookup = this.#entry(item, runId);
    if (lookup.kind !== "found" || item.status?.S !== "waiting") {
      return { kind: "not_waiting", status: item.status?.S ?? "unknown" };
    }
    const next: StoredRun = {
      ...lookup.run,
      status: "running",
      heartbeatAt: options.heartbeatAt,
      segments: (lookup.run.segments ?? 0) + 1,
      waitingSince: undefined,
      questions: undefined,
      stopRequest: undefined,
    };
    try {
      // Of two racing resumes, the one whose condition holds wins; a stop asked of the waiting run
      // is answered by the resume.
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: runItemKey(runId),
          // The listing says running again, so the history (and its status filter) sees it resumed.
          UpdateExpression:
            "SET #status = :running, heartbeatAt = :hb, #data = :data, listing = :listing REMOVE stopRequest",
          ConditionExpression: "#status = :waiting AND lastSeq = :seq",
          ExpressionAttributeNames: { "#status": "status", "#data": "data" },
          ExpressionAttributeValues: {
            ":running": str("running"),
            ":waiting": str("waiting"),
            ":hb": num(options.heartbeatAt),
            ":data": dataOf(next),
            ":listing": str(JSON.stringify(summarizeRun(next))),
            ":seq": num(lookup.run.lastSeq),
          },
        }),
      );
      return { kind: "resumed", run: next };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const now = await this.#getRunItem(runId);
      return now ? { kind: "not_waiting", status: now.status?.S ?? "unknown" } : { kind: "missing" };
    }
  }

  async closeWaitingRun(runId: string, options: CloseWaitingOptions): Promise<boolean> {
    const item = await this.#getRunItem(runId);
    const lookup = item ? this.#entry(item, runId) : undefined;
    if (lookup?.kind !== "found" || item?.status?.S !== "waiting") return false;
    const storedEnd = await this.#events.lastSeq(runId);
    if (storedEnd !== options.expectedLastSeq) return false;
    if (options.events.some((event, index) => event.seq !== storedEnd + 1 + index)) return false;
    try {
      // The closing events are the commit, as when a run is marked interrupted.
      await this.#events.put(runId, options.events, { exclusive: true });
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
    const next: StoredRun = {
      ...lookup.run,
      ...options.patch,
      lastSeq: options.events.at(-1)?.seq ?? storedEnd,
    };
    await this.client.send(
      new UpdateItemCommand({
        TableName: this.table,
        Key: runItemKey(runId),
        UpdateExpression: "SET #status = :status, lastSeq = :seq, #data = :data, listing = :listing",
        ExpressionAttributeNames: { "#status": "status", "#data": "data" },
        ExpressionAttributeValues: {
          ":status": str(next.status),
          ":seq": num(next.lastSeq),
          ":data": dataOf(next),
          ":listing": str(JSON.stringify(summarizeRun(next))),
        },
      }),
    );
    return true;
  }

  async markInterrupted(runId: string, options: InterruptOptions): Promise<boolean> {
    const item = await this.#getRunItem(runId);
    const lookup = item ? this.#entry(item, runId) : undefined;
    if (lookup?.kind !== "found" || item?.status?.S !== "running") return false;
    if (Number(item.heartbeatAt?.N ?? 0) >= options.staleBefore) return false;
    const storedEnd = await this.#events.lastSeq(runId);
    const lastSeq = options.events.at(-1)?.seq ?? 0;
    if (storedEnd !== options.expectedLastSeq || options.events[0]?.seq !== storedEnd + 1) return false;
    if (options.events.some((event, index) => event.seq !== storedEnd + 1 + index)) return false;
    try {
      // The closing events are the commit: once they are stored, the run's own process (if it
      // still lives) fails its next write and stops.
      await this.#events.put(runId, options.events, { exclusive: true });
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
        Key: runItemKey(runId),
        UpdateExpression: "SET #status = :interrupted, lastSeq = :seq, #data = :data, listing = :listing",
        ExpressionAttributeNames: { "#status": "status", "#data": "data" },
        ExpressionAttributeValues: {
          ":interrupted": str("interrupted"),
          ":seq": num(lastSeq),
          ":data": dataOf(next),
          ":listing": str(JSON.stringify(summarizeRun(next))),
        },
      }),
    );
    return true;
  }

  async deleteRun(runId: string): Promise<DeleteOutcome> {
    const item = await this.#getRunItem(runId);
    if (!item) return "missing";
    if (item.status?.S === "running") return "running";
    const keys = (await this.#events.query(runId, undefined)).map((found) => ({
      pk: found.pk as AttributeValue,
      sk: found.sk as AttributeValue,
    }));
    const token = item.shareToken?.S;
    await this.#deleteItems(token ? [shareKey(token), ...keys] : keys);
    return "deleted";
  }

  /** Deletes items in batches of 25 (no DeleteItem: the app's role is not granted it). */
  async #deleteItems(keys: Item[]): Promise<void> {
    for (let start = 0; start < keys.length; start += 25) {
      let requests = keys.slice(start, start + 25).map((Key) => ({ DeleteRequest: { Key } }));
      while (requests.length > 0) {
        const result = await this.client.send(
          new BatchWriteItemCommand({ RequestItems: { [this.table]: requests } }),
        );
        requests = (result.UnprocessedItems?.[this.table] ?? []) as typeof requests;
      }
    }
  }

  admitRun(request: AdmissionRequest): Promise<AdmissionOutcome> {
    return this.#quotas.admitRun(request);
  }

  releaseSlot(visitor: string, slot: number, runId: string): Promise<void> {
    return this.#quotas.releaseSlot(visitor, slot, runId);
  }

  addTokens(visitor: string, day: string, tokens: number): Promise<{ visitor: number; all: number }> {
    return this.#quotas.addTokens(visitor, day, tokens);
  }

  readUsage(visitor: string, day: string, now: number): Promise<VisitorUsage> {
    return this.#quotas.readUsage(visitor, day, now);
  }

  mergeUsage(from: string, to: string, day: string): Promise<void> {
    return this.#quotas.mergeUsage(from, to, day);
  }

  async close(): Promise<void> {
    this.client.destroy();
  }
}
