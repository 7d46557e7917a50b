import { describe, expect, it } from "vitest";
import { calculator, evaluateArithmetic, formatNumber } from "./calculator";

describe("evaluateArithmetic", () => {
  it.each([
    ["1 + 2 * 3", 7],
    ["(1 + 2) * 3", 9],
    ["10 - 4 - 3", 3],
    ["48 / 4 / 2", 6],
    ["2.5 * 4", 10],
    [".5 + 1.", 1.5],
    ["-3 + 5", 2],
    ["-(2 + 3) * 2", -10],
    ["--4", 4],
    ["+4 - -4", 8],
    ["2^10 - 24", 1000],
    ["2 ** 3", 8],
    ["2^3^2", 512],
    ["-2^2", -4],
    ["2^-1", 0.5],
    ["(1250 * 12) / 7", 15000 / 7],
    ["6 × 7 ÷ 2 − 1", 20],
    ["  ( ( 1 ) )  ", 1],
  ])("%s = %d", (expression, expected) => {
    expect(evaluateArithmetic(expression)).toBeCloseTo(expected, 12);
  });

  it.each([
    ["", "The expression is empty"],
    ["   ", "The expression is empty"],
    ["1 / 0", "Division by zero"],
    ["1 / (2 - 2)", "Division by zero"],
    ["0 / 0", "Division by zero"],
    ["2 +", "The expression ends where a number was expected"],
    ["2 + a", 'Unexpected character "a" at position 5'],
    ["(1 + 2", "Missing closing parenthesis for the one at position 1"],
    ["1 + 2)", 'Unexpected ")" at position 6'],
    ["1 2", 'Unexpected "2" at position 3'],
    ["* 3", 'Expected a number at position 1, found "*"'],
    ["10^400", "The result is not a finite number"],
    ["(-8)^0.5", "The result is not a finite number"],
    ["Math.max(1)", 'Unexpected character "M" at position 1'],
    [`${"(".repeat(150)}1${")".repeat(150)}`, "The expression is nested too deeply"],
  ])("refuses %j: %s", (expression, message) => {
    expect(() => evaluateArithmetic(expression)).toThrow(new Error(message));
  });
});

describe("formatNumber", () => {
  it("rounds to 12 significant digits, as people read results", () => {
    expect(formatNumber(0.1 + 0.2)).toBe("0.3");
    expect(formatNumber(15000 / 7)).toBe("2142.85714286");
    expect(formatNumber(-0)).toBe("0");
    expect(formatNumber(1e21)).toBe("1e+21");
  });
});

describe("calculator tool", () => {
  it("answers with the expression and its value", async () => {
    await expect(calculator.invoke({ expression: " (1250 * 12) / 7 " })).resolves.toBe(
      "(1250 * 12) / 7 = 2142.85714286",
    );
  });

  it("throws a clear error for a division by zero and for invalid input", async () => {
    await expect(calculator.invoke({ expression: "10 / 0 + 5" })).rejects.toThrow("Division by zero");
    await expect(calculator.invoke({ expression: "2 + two" })).rejects.toThrow(
      'Unexpected character "t" at position 5',
    );
    await expect(calculator.invoke({ expression: "" })).rejects.toThrow(/did not match expected schema/);
  });

  it("describes its input for the model", () => {
    expect(calculator.name).toBe("calculator");
    expect(calculator.description).toMatch(/arithmetic/);
  });
});
