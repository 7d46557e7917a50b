import "server-only";
import { tool } from "@langchain/core/tools";
import { z } from "zod";

const DAY_MS = 86_400_000;
const weekdays = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const isoPattern =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$/;

/** A moment in UTC, remembering whether it was written with a time (so the answer keeps that form). */
interface Moment {
  ms: number;
  hasTime: boolean;
}

export const dateMathUnits = ["hours", "days", "weeks", "months", "years"] as const;
export const dateMathOperations = ["add", "subtract", "days_between", "weekday"] as const;

export const dateMathInput = z.object({
  operation: z
    .enum(dateMathOperations)
    .describe(
      "add or subtract an amount of time to a date, count the days between two dates, or name a date's weekday",
    ),
  date: z.string().describe('An ISO 8601 date, "2026-03-01", or date and time, "2026-03-01T09:30:00Z" (UTC)'),
  amount: z.number().int().min(0).max(1000).optional().describe("For add and subtract: how many units"),
  unit: z.enum(dateMathUnits).optional().describe("For add and subtract: the unit of the amount"),
  other_date: z.string().optional().describe("For days_between: the second ISO date"),
});
export type DateMathInput = z.infer<typeof dateMathInput>;

/**
 * Date arithmetic in UTC, with no notion of "today": every date comes in the input, so the same
 * input always gives the same answer. Adding months keeps the day of the month where it can and
 * otherwise takes the month's last day (2026-01-31 + 1 month = 2026-02-28).
 */
export function computeDateMath(input: DateMathInput): string {
  const start = parseMoment(input.date, "date");
  switch (input.operation) {
    case "weekday":
      return `${formatMoment(start)} is a ${weekdayOf(start)}`;
    case "days_between": {
      if (!input.other_date) throw new Error("days_between needs other_date, the second date");
      const end = parseMoment(input.other_date, "other_date");
      const days = Math.round(((end.ms - start.ms) / DAY_MS) * 100) / 100;
      const weeks = Math.trunc(days / 7);
      const rest = Math.round((days - weeks * 7) * 100) / 100;
      const inWeeks =
        Math.abs(weeks) > 0
          ? ` (${counted(Math.abs(weeks), "weeks")} and ${counted(Math.abs(rest), "days")})`
          : "";
      return `From ${formatMoment(start)} to ${formatMoment(end)}: ${counted(days, "days")}${inWeeks}`;
    }
    case "add":
    case "subtract": {
      if (input.amount === undefined || !input.unit) {
        throw new Error(`${input.operation} needs an amount and a unit (${dateMathUnits.join(", ")})`);
      }
      const sign = input.operation === "add" ? 1 : -1;
      const result = shift(start, sign * input.amount, input.unit);
      const op = sign > 0 ? "+" : "-";
      return `${formatMoment(start)} ${op} ${counted(input.amount, input.unit)} = ${formatMoment(result)} (${weekdayOf(result)})`;
    }
  }
}

/** "1 day", "2 days": the unit is given in the plural. */
function counted(amount: number, unit: string): string {
  return `${amount} ${Math.abs(amount) === 1 ? unit.slice(0, -1) : unit}`;
}

function parseMoment(text: string, field: string): Moment {
  const match = isoPattern.exec(text.trim());
  if (!match)
    throw new Error(`${field} "${text}" is not an ISO date like 2026-03-01 or 2026-03-01T09:30:00Z`);
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map((part) => Number(part ?? 0));
  const offset = match[7];
  const local = Date.UTC(year ?? 0, (month ?? 1) - 1, day ?? 1, hour, minute, second);
  const check = new Date(local);
  if (
    check.getUTCFullYear() !== year ||
    check.getUTCMonth() !== (month ?? 1) - 1 ||
    check.getUTCDate() !== day ||
    (hour ?? 0) > 23 ||
    (minute ?? 0) > 59 ||
    (second ?? 0) > 59
  ) {
    throw new Error(`${field} "${text}" is not a real date`);
  }
  return { ms: local - offsetMs(offset), hasTime: match[4] !== undefined };
}

function offsetMs(offset: string | undefined): number {
  if (!offset || offset === "Z") return 0;
  const sign = offset.startsWith("-") ? -1 : 1;
  const [hours, minutes] = offset.slice(1).split(":").map(Number);
  return sign * ((hours ?? 0) * 60 + (minutes ?? 0)) * 60_000;
}

function shift(start: Moment, amount: number, unit: (typeof dateMathUnits)[number]): Moment {
  if (unit === "hours") return { ms: start.ms + amount * 3_600_000, hasTime: true };
  if (unit === "days" || unit === "weeks") {
    return { ms: start.ms + amount * (unit === "weeks" ? 7 : 1) * DAY_MS, hasTime: start.hasTime };
  }
  const date = new Date(start.ms);
  const months = amount * (unit === "years" ? 12 : 1);
  const target = new Date(date.getTime());
  target.setUTCDate(1);
  target.setUTCMonth(date.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(date.getUTCDate(), lastDay));
  if (Number.isNaN(target.getTime())) throw new Error("The resulting date is out of range");
  return { ms: target.getTime(), hasTime: start.hasTime };
}

function formatMoment(moment: Moment): string {
  const iso = new Date(moment.ms).toISOString();
  return moment.hasTime ? `${iso.slice(0, 19)}Z` : iso.slice(0, 10);
}

function weekdayOf(moment: Moment): string {
  return weekdays[new Date(moment.ms).getUTCDay()] ?? "";
}

/** The `date_math` tool: calendar arithmetic a model should not do in its head. */
export const dateMath = tool((input) => computeDateMath(input), {
  name: "date_math",
  description:
    "Date arithmetic in UTC: add or subtract hours, days, weeks, months or years to an ISO date; count the days between two dates; or give the weekday of a date. It does not know today's date: pass every date explicitly.",
  schema: dateMathInput,
});
