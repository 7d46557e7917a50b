import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StoreUnderTest } from "./contract-suite";
import type { AdmissionLimits, AdmissionRequest } from "./quota-types";

const OFF: AdmissionLimits = {
  visitorRunsPerDay: 0,
  visitorTokensPerDay: 0,
  visitorConcurrentRuns: 0,
  clientRunsPerDay: 0,
  dailyTokens: 0,
};

let counter = 0;
const unique = (prefix: string) => `${prefix}-${++counter}-${Math.random().toString(36).slice(2, 8)}`;

/** The quota counts every RunStore keeps, run against each implementation. */
export function quotaStoreContract(name: string, setup: () => Promise<StoreUnderTest>): void {
  describe(`QuotaStore contract: ${name}`, () => {
    let subject: StoreUnderTest;

    beforeAll(async () => {
      subject = await setup();
    });
    afterAll(async () => {
      await subject?.dispose();
    });

    const day = "2026-12-06";
    const now = Date.parse(`${day}T12:00:00Z`);
    const request = (
      overrides: Omit<Partial<AdmissionRequest>, "limits"> & { limits: Partial<AdmissionLimits> },
    ): AdmissionRequest => ({
      runId: unique("run"),
      visitor: "visitor",
      client: "192.0.2.1",
      day,
      now,
      leaseUntil: now + 60_000,
      ...overrides,
      limits: { ...OFF, ...overrides.limits },
    });

    /** Twenty admissions at once, through several connections (processes, on SQLite's file). */
    async function burst(make: () => AdmissionRequest): Promise<number> {
      const stores = [subject.store, subject.sibling(), subject.sibling()];
      const outcomes = await Promise.all(
        Array.from({ length: 20 }, (_, index) => stores[index % stores.length]?.admitRun(make())),
      );
      return outcomes.filter((outcome) => outcome?.admitted).length;
    }

    it.each([
      ["runs a visitor starts per day", { visitorRunsPerDay: 3 }],
      ["runs from one client address per day", { clientRunsPerDay: 3 }],
      ["runs a visitor has going at once", { visitorConcurrentRuns: 3 }],
    ] as const)("a burst of 20 against a limit of 3 %s admits exactly 3", async (_, limits) => {
      const visitor = unique("visitor");
      const client = unique("client");
      expect(await burst(() => request({ visitor, client, limits }))).toBe(3);
      expect(await subject.store.admitRun(request({ visitor, client, limits }))).toMatchObject({
        admitted: false,
      });
    });

    it("names the limit that refused, and counts nothing for a refused run", async () => {
      const visitor = unique("visitor");
      const limits = { visitorRunsPerDay: 2, visitorConcurrentRuns: 1 };
      const first = await subject.store.admitRun(request({ visitor, limits }));
      expect(first).toEqual({ admitted: true, slot: 0 });
      expect(await subject.store.admitRun(request({ visitor, limits }))).toEqual({
        admitted: false,
        limit: "concurrent",
      });
      expect(await subject.store.readUsage(visitor, day, now)).toMatchObject({ runs: 1, running: 1 });
      // Another client address counts separately; the same one is refused past its limit.
      const client = unique("client");
      const clientLimits = { clientRunsPerDay: 1 };
      expect(await subject.store.admitRun(request({ client, limits: clientLimits }))).toMatchObject({
        admitted: true,
      });
      expect(
        await subject.store.admitRun(request({ visitor: unique("v"), client, limits: clientLimits })),
      ).toEqual({
        admitted: false,
        limit: "client_runs",
      });
    });

    it("frees a slot when its run ends, or when its lease runs out, and only for that run", async () => {
      const visitor = unique("visitor");
      const limits = { visitorConcurrentRuns: 1 };
      const held = request({ visitor, limits });
      expect(await subject.store.admitRun(held)).toEqual({ admitted: true, slot: 0 });
      await subject.store.releaseSlot(visitor, 0, "some-other-run");
      expect(await subject.store.admitRun(request({ visitor, limits }))).toMatchObject({ admitted: false });
      await subject.store.releaseSlot(visitor, 0, held.runId);
      const next = request({ visitor, limits, leaseUntil: now + 1_000 });
      expect(await subject.store.admitRun(next)).toEqual({ admitted: true, slot: 0 });
      // A run whose process died holds its slot only until its lease ends.
      expect(await subject.store.admitRun(request({ visitor, limits, now: now + 500 }))).toMatchObject({
        admitted: false,
      });
      expect(await subject.store.admitRun(request({ visitor, limits, now: now + 1_001 }))).toEqual({
        admitted: true,
        slot: 0,
      });
    });

    it("counts tokens per visitor and for the day, and refuses runs once either is spent", async () => {
      const visitor = unique("visitor");
      const tokenDay = "2026-12-07";
      expect(await subject.store.addTokens(visitor, tokenDay, 600)).toEqual({ visitor: 600, all: 600 });
      expect(await subject.sibling().addTokens(unique("v"), tokenDay, 300)).toEqual({
        visitor: 300,
        all: 900,
      });
      expect(await subject.store.readUsage(visitor, tokenDay, now)).toEqual({
        runs: 0,
        tokens: 600,
        running: 0,
        dailyTokens: 900,
      });
      const at = (limits: Partial<AdmissionLimits>) => request({ visitor, day: tokenDay, limits });
      expect(await subject.store.admitRun(at({ visitorTokensPerDay: 600 }))).toEqual({
        admitted: false,
        limit: "visitor_tokens",
      });
      expect(await subject.store.admitRun(at({ dailyTokens: 900 }))).toEqual({
        admitted: false,
        limit: "daily_tokens",
      });
      expect(await subject.store.admitRun(at({ visitorTokensPerDay: 601, dailyTokens: 901 }))).toEqual({
        admitted: true,
      });
      // Another day starts from zero.
      expect((await subject.store.readUsage(visitor, "2026-12-08", now)).tokens).toBe(0);
    });

    it("moves a guest's counts for the day to the user they sign in as", async () => {
      const guest = unique("guest");
      const user = unique("user");
      await subject.store.admitRun(request({ visitor: guest, limits: {} }));
      await subject.store.addTokens(guest, day, 120);
      await subject.store.addTokens(user, day, 30);
      await subject.store.mergeUsage(guest, user, day);
      expect(await subject.store.readUsage(user, day, now)).toMatchObject({ runs: 1, tokens: 150 });
      expect(await subject.store.readUsage(guest, day, now)).toMatchObject({ runs: 0, tokens: 0 });
    });
  });
}
