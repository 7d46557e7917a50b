import "server-only";
import { tool } from "@langchain/core/tools";
import { z } from "zod";

/** Nesting deeper than this is refused, so a hostile expression cannot exhaust the stack. */
const MAX_DEPTH = 100;

type Token = { kind: "number"; value: number; at: number } | { kind: "symbol"; value: string; at: number };

/**
 * Evaluates an arithmetic expression with a small recursive-descent parser (never `eval`):
 * `+ - * /` (also `× ÷ −`), `^` or `**` for powers (right-associative, binding tighter than a
 * unary minus, so `-2^2` is -4), parentheses, decimals and unary signs. Throws an Error that
 * says what is wrong, and where, for invalid input and for a division by zero.
 */
export function evaluateArithmetic(expression: string): number {
  const tokens = tokenize(expression);
  if (tokens.length === 0) throw new Error("The expression is empty");
  let position = 0;
  let depth = 0;

  const peek = () => tokens[position];
  const takeSymbol = (...symbols: string[]): string | undefined => {
    const token = peek();
    if (token?.kind !== "symbol" || !symbols.includes(token.value)) return undefined;
    position++;
    return token.value;
  };

  function sum(): number {
    let value = product();
    for (let op = takeSymbol("+", "-"); op; op = takeSymbol("+", "-")) {
      const right = product();
      value = op === "+" ? value + right : value - right;
    }
    return value;
  }

  function product(): number {
    let value = unary();
    for (let op = takeSymbol("*", "/"); op; op = takeSymbol("*", "/")) {
      const right = unary();
      if (op === "/" && right === 0) throw new Error("Division by zero");
      value = op === "*" ? value * right : value / right;
    }
    return value;
  }

  function unary(): number {
    const sign = takeSymbol("+", "-");
    if (!sign) return power();
    const value = nested(unary);
    return sign === "-" ? -value : value;
  }

  function power(): number {
    const base = primary();
    return takeSymbol("^") ? base ** nested(unary) : base;
  }

  function primary(): number {
    const token = peek();
    if (!token) throw new Error("The expression ends where a number was expected");
    if (token.kind === "number") {
      position++;
      return token.value;
    }
    if (takeSymbol("(")) {
      const value = nested(sum);
      if (!takeSymbol(")"))
        throw new Error(`Missing closing parenthesis for the one at position ${token.at + 1}`);
      return value;
    }
    throw new Error(`Expected a number at position ${token.at + 1}, found "${token.value}"`);
  }

  function nested(parse: () => number): number {
    if (++depth > MAX_DEPTH) throw new Error("The expression is nested too deeply");
    const value = parse();
    depth--;
    return value;
  }

  const value = sum();
  const extra = peek();
  if (extra) throw new Error(`Unexpected "${String(extra.value)}" at position ${extra.at + 1}`);
  if (!Number.isFinite(value)) throw new Error("The result is not a finite number");
  return value;
}

/** A result as people write it: at most 12 significant digits, so 0.1 + 0.2 reads 0.3. */
export function formatNumber(value: number): string {
  const rounded = Number.parseFloat(value.toPrecision(12));
  return Object.is(rounded, -0) ? "0" : String(rounded);
}

const symbolAliases: Record<string, string> = { "−": "-", "×": "*", "÷": "/", "**": "^" };

function tokenize(expression: string): Token[] {
  const tokens: Token[] = [];
  const pattern = /\s+|(\d+(?:\.\d*)?|\.\d+)|(\*\*|[-+*/^()−×÷])|(.)/gsu;
  for (const match of expression.matchAll(pattern)) {
    const [, number, symbol, unknown] = match;
    const at = match.index;
    if (number !== undefined) tokens.push({ kind: "number", value: Number(number), at });
    else if (symbol !== undefined)
      tokens.push({ kind: "symbol", value: symbolAliases[symbol] ?? symbol, at });
    else if (unknown !== undefined)
      throw new Error(`Unexpected character "${unknown}" at position ${at + 1}`);
  }
  return tokens;
}

/** The `calculator` tool: exact arithmetic for the model, which is poor at it. */
export const calculator = tool(
  ({ expression }) => `${expression.trim()} = ${formatNumber(evaluateArithmetic(expression))}`,
  {
    name: "calculator",
    description:
      "Evaluates an arithmetic expression exactly. Supports + - * / (or × ÷), ^ for powers, parentheses, decimals and negative numbers. Use it for every calculation instead of doing arithmetic yourself.",
    schema: z.object({
      expression: z
        .string()
        .min(1)
        .max(500)
        .describe('The arithmetic expression, e.g. "(1250 * 12) / 7" or "2^10 - 24"'),
    }),
  },
);
