import "server-only";
import {
  type AttributeValue,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import { isConditionFailure, num, str } from "./dynamodb-events";
import type { AdmissionOutcome, AdmissionRequest, LimitName, VisitorUsage } from "./quota-types";

const COUNT_SK = "COUNT";
/** Counts outlive their day by two days, for the TTL to collect. */
const COUNT_TTL_SECONDS = 3 * 86_400;

const counterKey = {
  visitor: (day: string, visitor: string) => ({ pk: str(`QUOTA#${day}#v#${visitor}`), sk: str(COUNT_SK) }),
  client: (day: string, client: string) => ({ pk: str(`QUOTA#${day}#c#${client}`), sk: str(COUNT_SK) }),
  all: (day: string) => ({ pk: str(`QUOTA#${day}#all`), sk: str(COUNT_SK) }),
};
const slotKey = (visitor: string, slot: number) => ({ pk: str(`SLOT#${visitor}`), sk: str(String(slot)) });

const numberOf = (value: AttributeValue | undefined) => Number(value?.N ?? 0);

/**
 * The DynamoDB side of the quota counts, in the runs table. No transactions (every write is one
 * conditional update of one item, which DynamoDB applies atomically): a limit's count only grows
 * under the condition that it is below the limit, so a burst admits exactly as many as the limit.
 * When a later limit refuses, the counts taken for it are given back; meanwhile a concurrent
 * request may be refused that would have fitted, never one admitted that does not.
 */
export class DynamoQuotas {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
  ) {}

  #expiresAt(day: string): AttributeValue {
    return num(Math.floor(Date.parse(`${day}T00:00:00Z`) / 1000) + COUNT_TTL_SECONDS);
  }

  async #get(key: Record<string, AttributeValue>): Promise<Record<string, AttributeValue> | undefined> {
    const result = await this.client.send(
      new GetItemCommand({ TableName: this.table, Key: key, ConsistentRead: true }),
    );
    return result.Item;
  }

  /**
   * Adds to a counter's fields, under `limits`: each named field must be below its limit first.
   * Returns the counter after, or undefined when a limit refused.
   */
  async #add(
    key: Record<string, AttributeValue>,
    day: string,
    add: { runs?: number; tokens?: number },
    limits: { runs?: number; tokens?: number } = {},
  ): Promise<Record<string, AttributeValue> | undefined> {
    const adds = Object.entries(add).map(([field]) => `${field} :${field}`);
    const conditions = Object.entries(limits)
      .filter(([, limit]) => limit !== undefined && limit > 0)
      .map(([field]) => `(attribute_not_exists(${field}) OR ${field} < :max_${field})`);
    const values: Record<string, AttributeValue> = { ":exp": this.#expiresAt(day) };
    for (const [field, amount] of Object.entries(add)) values[`:${field}`] = num(amount);
    for (const [field, limit] of Object.entries(limits)) {
      if (limit !== undefined && limit > 0) values[`:max_${field}`] = num(limit);
    }
    try {
      const result = await this.client.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: key,
          UpdateExpression: `ADD ${adds.join(", ")} SET expiresAt = :exp`,
          ConditionExpression: conditions.length > 0 ? conditions.join(" AND ") : undefined,
          ExpressionAttributeValues: values,
          ReturnValues: "ALL_NEW",
        }),
      );
      return result.Attributes ?? {};
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  async admitRun(request: AdmissionRequest): Promise<AdmissionOutcome> {
    const { limits, day } = request;
    const refuse = (limit: LimitName): AdmissionOutcome => ({ admitted: false, limit });
    if (limits.dailyTokens > 0) {
      const all = await this.#get(counterKey.all(day));
      if (numberOf(all?.tokens) >= limits.dailyTokens) return refuse("daily_tokens");
    }
    const visitorKey = counterKey.visitor(day, request.visitor);
    const counting = request.countRun !== false;
    // A run going on after a pause was counted when it started: it adds nothing, under the token limit.
    const visitor = await this.#add(
      visitorKey,
      day,
      { runs: counting ? 1 : 0 },
      { runs: counting ? limits.visitorRunsPerDay : 0, tokens: limits.visitorTokensPerDay },
    );
    if (!visitor) {
      const counts = await this.#get(visitorKey);
      const outOfTokens =
        limits.visitorTokensPerDay > 0 && numberOf(counts?.tokens) >= limits.visitorTokensPerDay;
      return refuse(outOfTokens ? "visitor_tokens" : "visitor_runs");
    }
    const giveBack: (() => Promise<unknown>)[] = counting
      ? [() => this.#add(visitorKey, day, { runs: -1 })]
      : [];
    const undo = () => Promise.all(giveBack.map((back) => back()));
    if (counting && limits.clientRunsPerDay > 0) {
      const clientKey = counterKey.client(day, request.client);
      if (!(await this.#add(clientKey, day, { runs: 1 }, { runs: limits.clientRunsPerDay }))) {
        await undo();
        return refuse("client_runs");
      }
      giveBack.push(() => this.#add(clientKey, day, { runs: -1 }));
    }
    if (limits.visitorConcurrentRuns <= 0) return { admitted: true };
    for (let slot = 0; slot < limits.visitorConcurrentRuns; slot++) {
      if (await this.#takeSlot(request, slot)) return { admitted: true, slot };
    }
    await undo();
    return refuse("concurrent");
  }

  async #takeSlot(request: AdmissionRequest, slot: number): Promise<boolean> {
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.table,
          Item: {
            ...slotKey(request.visitor, slot),
            runId: str(request.runId),
            leaseUntil: num(request.leaseUntil),
            expiresAt: num(Math.ceil(request.leaseUntil / 1000) + 86_400),
          },
          ConditionExpression: "attribute_not_exists(pk) OR leaseUntil < :now",
          ExpressionAttributeValues: { ":now": num(request.now) },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async releaseSlot(visitor: string, slot: number, runId: string): Promise<void> {
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: slotKey(visitor, slot),
          UpdateExpression: "SET leaseUntil = :zero",
          ConditionExpression: "runId = :run",
          ExpressionAttributeValues: { ":zero": num(0), ":run": str(runId) },
        }),
      );
    } catch (error) {
      // Another run holds the slot now (this one's lease ran out): nothing of ours to free.
      if (!isConditionFailure(error)) throw error;
    }
  }

  async addTokens(visitor: string, day: string, tokens: number): Promise<{ visitor: number; all: number }> {
    const [mine, all] = await Promise.all([
      this.#add(counterKey.visitor(day, visitor), day, { tokens }),
      this.#add(counterKey.all(day), day, { tokens }),
    ]);
    return { visitor: numberOf(mine?.tokens), all: numberOf(all?.tokens) };
  }

  async readUsage(visitor: string, day: string, now: number): Promise<VisitorUsage> {
    const [mine, all, slots] = await Promise.all([
      this.#get(counterKey.visitor(day, visitor)),
      this.#get(counterKey.all(day)),
      this.client.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: "pk = :pk",
          ExpressionAttributeValues: { ":pk": str(`SLOT#${visitor}`) },
          ConsistentRead: true,
        }),
      ),
    ]);
    return {
      runs: numberOf(mine?.runs),
      tokens: numberOf(mine?.tokens),
      running: (slots.Items ?? []).filter((item) => numberOf(item.leaseUntil) >= now).length,
      dailyTokens: numberOf(all?.tokens),
    };
  }

  async mergeUsage(from: string, to: string, day: string): Promise<void> {
    if (from === to) return;
    const counts = await this.#get(counterKey.visitor(day, from));
    const runs = numberOf(counts?.runs);
    const tokens = numberOf(counts?.tokens);
    if (runs === 0 && tokens === 0) return;
    await this.#add(counterKey.visitor(day, to), day, { runs, tokens });
    await this.#add(counterKey.visitor(day, from), day, { runs: -runs, tokens: -tokens });
  }
}
