import { describe, expect, it } from "vitest";
import {
  isWorthRetrying,
  ModelStreamStalledError,
  modelRetryPolicy,
  retryNoteFor,
  sdkAttempts,
} from "./model-failures";

const failure = (name: string, attempts?: number) =>
  Object.assign(new Error(name), { name, ...(attempts ? { $metadata: { attempts } } : {}) });

describe("which model failures a node retries", () => {
  it("retries what broke after the stream began: throttling, stream errors, stalls", () => {
    expect(isWorthRetrying(failure("ThrottlingException"))).toBe(true);
    expect(isWorthRetrying(failure("ModelStreamErrorException"))).toBe(true);
    expect(isWorthRetrying(new ModelStreamStalledError(30_000))).toBe(true);
  });

  it("leaves to the SDK what it already retried, and never retries a 400, a 403 or an abort", () => {
    expect(sdkAttempts(failure("ThrottlingException", 3))).toBe(3);
    expect(isWorthRetrying(failure("ThrottlingException", 3))).toBe(false);
    expect(isWorthRetrying(failure("InternalServerException", 3))).toBe(false);
    expect(isWorthRetrying(failure("ValidationException", 1))).toBe(false);
    expect(isWorthRetrying(failure("AccessDeniedException", 1))).toBe(false);
    expect(isWorthRetrying(failure("AbortError"))).toBe(false);
    expect(isWorthRetrying({ name: "ThrottlingException" })).toBe(true);
    expect(isWorthRetrying(undefined)).toBe(false);
  });

  it("is LangGraph's retry policy for model nodes, with short notes for the step card", () => {
    expect(modelRetryPolicy(3)).toMatchObject({
      maxAttempts: 3,
      initialInterval: 500,
      backoffFactor: 2,
      logWarning: false,
    });
    expect(modelRetryPolicy(3).retryOn(failure("ModelStreamErrorException"))).toBe(true);
    expect(retryNoteFor(new ModelStreamStalledError(1000))).toBe("The model stopped sending its answer.");
    expect(retryNoteFor(failure("Whatever"))).toBe("The model call failed.");
    expect(new ModelStreamStalledError(1500).message).toBe("The model sent nothing for 1.5 s.");
  });
});
