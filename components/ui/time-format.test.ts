import { describe, expect, it } from "vitest";
import { formatExactTime, formatLocalTime, formatRelativeTime, formatUtc } from "./time-format";

const lisbon = { locale: "en-GB", timeZone: "Europe/Lisbon" };
const tokyo = { locale: "en-GB", timeZone: "Asia/Tokyo" };
const newYork = { locale: "en-US", timeZone: "America/New_York" };
/** 2026-12-06 14:05:09 UTC (Lisbon is on UTC in December, Tokyo 9 hours ahead). */
const at = Date.UTC(2026, 11, 6, 14, 5, 9);
const minute = 60_000;

describe("times as people read them", () => {
  it("says how long ago for the last hour", () => {
    expect(formatRelativeTime(at, at + 20_000, lisbon)).toBe("just now");
    expect(formatRelativeTime(at, at - 5_000, lisbon)).toBe("just now");
    expect(formatRelativeTime(at, at + 2 * minute + 30_000, lisbon)).toBe("2 min ago");
    expect(formatRelativeTime(at, at + 59 * minute, lisbon)).toBe("59 min ago");
  });

  it("gives the local clock time after that, with the day once it is not today, and the year once not this one", () => {
    expect(formatRelativeTime(at, at + 61 * minute, lisbon)).toBe("14:05");
    expect(formatRelativeTime(at, at + 61 * minute, newYork)).toBe("09:05 AM");
    // Nine hours later it is the next day in Tokyo, but still the same day in Lisbon.
    expect(formatLocalTime(at, at + 9 * 60 * minute, lisbon)).toBe("14:05");
    expect(formatLocalTime(at, at + 9 * 60 * minute, tokyo)).toBe("6 Dec, 23:05");
    expect(formatLocalTime(at, Date.UTC(2027, 1, 1), lisbon)).toBe("6 Dec 2026, 14:05");
  });

  it("names the exact moment with its zone for the tooltip, and UTC for the server's fallback", () => {
    expect(formatExactTime(at, lisbon)).toBe("Sunday, 6 December 2026 at 14:05:09 WET");
    expect(formatExactTime(at, tokyo)).toBe("Sunday, 6 December 2026 at 23:05:09 GMT+9");
    expect(formatUtc(at)).toBe("2026-12-06 14:05 UTC");
  });
});
