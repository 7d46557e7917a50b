import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { errorBodySchema, errorCodeSchema, errorCodes, errorInfo, errorTable } from "./error-codes";
import { AppError, toAppError } from "./errors";

describe("the error table", () => {
  it("is the list of codes the contract accepts", () => {
    expect(errorCodeSchema.options).toEqual(Object.keys(errorTable));
    expect(errorCodes).toEqual(Object.keys(errorTable));
  });

  it("gives each code an error status, and a title a person reads", () => {
    for (const [code, info] of Object.entries(errorTable)) {
      expect(info.status, code).toBeGreaterThanOrEqual(400);
      expect(info.status, code).toBeLessThan(600);
      expect(info.title, code).toMatch(/^[A-Z][^_]+$/);
    }
  });

  it("never offers a retry for the client's own mistakes, which fail the same way again", () => {
    const clientMistakes = Object.entries(errorTable).filter(
      ([, info]) => info.status >= 400 && info.status < 429,
    );
    expect(clientMistakes.length).toBeGreaterThan(5);
    for (const [code, info] of clientMistakes) expect(info.retryable, code).toBe(false);
  });

  it("reads an unknown code as internal", () => {
    expect(errorInfo("teapot")).toEqual({ code: "internal", ...errorTable.internal });
    expect(errorInfo("not_found")).toEqual({ code: "not_found", ...errorTable.not_found });
  });

  it("has no server imports, so the browser's bundle can carry it", () => {
    const source = readFileSync(join(import.meta.dirname, "error-codes.ts"), "utf8");
    const imports = [...source.matchAll(/^import .* from "([^"]+)";$/gm)].map((match) => match[1]);
    expect(imports).toEqual(["zod"]);
  });
});

describe("AppError reads the table", () => {
  it.each(Object.entries(errorTable))(
    "%s: its status, retryability and error response",
    async (code, info) => {
      const error = new AppError(errorCodeSchema.parse(code), "What happened.");
      expect({ status: error.status, retryable: error.retryable }).toEqual({
        status: info.status,
        retryable: info.retryable,
      });
      const response = error.toResponse();
      expect(response.status).toBe(info.status);
      expect(errorBodySchema.parse(await response.json())).toEqual({
        error: { code, message: "What happened." },
      });
    },
  );

  it("lets a failure that knows better say it is not retryable", () => {
    expect(new AppError("model_error", "No such model.", { retryable: false }).retryable).toBe(false);
  });

  it("turns anything else thrown into internal, without its text", () => {
    const error = toAppError(new Error("password=hunter2"));
    expect({ code: error.code, status: error.status, retryable: error.retryable }).toEqual({
      code: "internal",
      status: 500,
      retryable: errorTable.internal.retryable,
    });
    expect(error.message).not.toMatch(/hunter2/);
  });
});
