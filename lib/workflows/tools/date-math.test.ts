import { describe, expect, it } from "vitest";
import { computeDateMath, dateMath } from "./date-math";

describe("computeDateMath", () => {
  it.each([
    [
      { operation: "add", date: "2026-03-01", amount: 30, unit: "days" },
      "2026-03-01 + 30 days = 2026-03-31 (Tuesday)",
    ],
    [
      { operation: "add", date: "2026-03-01", amount: 3, unit: "weeks" },
      "2026-03-01 + 3 weeks = 2026-03-22 (Sunday)",
    ],
    [
      { operation: "add", date: "2026-01-31", amount: 1, unit: "months" },
      "2026-01-31 + 1 month = 2026-02-28 (Saturday)",
    ],
    [
      { operation: "add", date: "2024-02-29", amount: 1, unit: "years" },
      "2024-02-29 + 1 year = 2025-02-28 (Friday)",
    ],
    [
      { operation: "add", date: "2026-12-15", amount: 2, unit: "months" },
      "2026-12-15 + 2 months = 2027-02-15 (Monday)",
    ],
    [
      { operation: "subtract", date: "2026-03-01", amount: 10, unit: "days" },
      "2026-03-01 - 10 days = 2026-02-19 (Thursday)",
    ],
    [
      { operation: "subtract", date: "2026-03-31", amount: 1, unit: "months" },
      "2026-03-31 - 1 month = 2026-02-28 (Saturday)",
    ],
    [
      { operation: "add", date: "2026-03-01", amount: 36, unit: "hours" },
      "2026-03-01 + 36 hours = 2026-03-02T12:00:00Z (Monday)",
    ],
    [
      { operation: "subtract", date: "2026-03-01T10:00:00+02:00", amount: 30, unit: "hours" },
      "2026-03-01T08:00:00Z - 30 hours = 2026-02-28T02:00:00Z (Saturday)",
    ],
    [
      { operation: "add", date: "2026-03-28T23:30Z", amount: 1, unit: "days" },
      "2026-03-28T23:30:00Z + 1 day = 2026-03-29T23:30:00Z (Sunday)",
    ],
    [
      { operation: "days_between", date: "2026-03-01", other_date: "2026-12-25" },
      "From 2026-03-01 to 2026-12-25: 299 days (42 weeks and 5 days)",
    ],
    [
      { operation: "days_between", date: "2026-03-10", other_date: "2026-03-01" },
      "From 2026-03-10 to 2026-03-01: -9 days (1 week and 2 days)",
    ],
    [
      { operation: "days_between", date: "2026-03-01", other_date: "2026-03-04" },
      "From 2026-03-01 to 2026-03-04: 3 days",
    ],
    [
      { operation: "days_between", date: "2026-03-01T00:00Z", other_date: "2026-03-02T12:00Z" },
      "From 2026-03-01T00:00:00Z to 2026-03-02T12:00:00Z: 1.5 days",
    ],
    [{ operation: "weekday", date: "2026-03-14" }, "2026-03-14 is a Saturday"],
    [{ operation: "weekday", date: "2000-01-01" }, "2000-01-01 is a Saturday"],
  ] as const)("%j", (input, expected) => {
    expect(computeDateMath(input)).toBe(expected);
  });

  it.each([
    [
      { operation: "weekday", date: "14/03/2026" },
      'date "14/03/2026" is not an ISO date like 2026-03-01 or 2026-03-01T09:30:00Z',
    ],
    [{ operation: "weekday", date: "2026-02-30" }, 'date "2026-02-30" is not a real date'],
    [{ operation: "weekday", date: "2026-03-01T25:00Z" }, 'date "2026-03-01T25:00Z" is not a real date'],
    [
      { operation: "add", date: "2026-03-01" },
      "add needs an amount and a unit (hours, days, weeks, months, years)",
    ],
    [
      { operation: "subtract", date: "2026-03-01", amount: 2 },
      "subtract needs an amount and a unit (hours, days, weeks, months, years)",
    ],
    [{ operation: "days_between", date: "2026-03-01" }, "days_between needs other_date, the second date"],
    [
      { operation: "days_between", date: "2026-03-01", other_date: "tomorrow" },
      'other_date "tomorrow" is not an ISO date like 2026-03-01 or 2026-03-01T09:30:00Z',
    ],
  ] as const)("refuses %j", (input, message) => {
    expect(() => computeDateMath(input)).toThrow(new Error(message));
  });
});

describe("date_math tool", () => {
  it("validates its input and computes in UTC", async () => {
    await expect(dateMath.invoke({ operation: "weekday", date: "2026-03-14" })).resolves.toBe(
      "2026-03-14 is a Saturday",
    );
    await expect(dateMath.invoke({ operation: "weekday", date: "2026-02-30" })).rejects.toThrow(
      "not a real date",
    );
    await expect(
      dateMath.invoke({ operation: "add", date: "2026-03-01", amount: 1.5, unit: "days" } as never),
    ).rejects.toThrow(/did not match expected schema/);
    await expect(dateMath.invoke({ operation: "today", date: "2026-03-01" } as never)).rejects.toThrow(
      /did not match expected schema/,
    );
  });
});
