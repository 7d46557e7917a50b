import { GraphRecursionError } from "@langchain/langgraph";
import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { runErrorSchema } from "./contract";
import { describeRunFailure, StopReason, stopReasonOf } from "./run-errors";

/** An error shaped like the AWS SDK's service exceptions: the name is what tells them apart. */
function awsError(
  name: string,
  message = "Request ID 0f1e2d3c: raw service message for arn:aws:bedrock:secret",
) {
  const error = new Error(message);
  error.name = name;
  return error;
}

describe("describeRunFailure", () => {
  it("reads the name of a task failure LangGraph passes as a plain object", () => {
    expect(describeRunFailure({ name: "ThrottlingException", message: "Rate exceeded" })).toMatchObject({
      code: "rate_limited",
      retryable: true,
    });
  });

  it.each(["ThrottlingException", "ServiceQuotaExceededException"])(
    "maps %s to rate_limited, worth retrying",
    (name) => {
      const failure = describeRunFailure(awsError(name));
      expect(failure).toMatchObject({ code: "rate_limited", retryable: true });
      expect(failure.message).toMatch(/try again/);
    },
  );

  it.each([
    ["AccessDeniedException", /bedrock:InvokeModelWithResponseStream/],
    ["ValidationException", /BEDROCK_MODEL_ID/],
    ["ResourceNotFoundException", /BEDROCK_MODEL_ID and AWS_REGION/],
    ["UnrecognizedClientException", /credentials/],
    ["CredentialsProviderError", /MODEL_PROVIDER=offline/],
  ])("maps %s to a model_error that needs a fix, not a retry", (name, advice) => {
    const failure = describeRunFailure(awsError(name));
    expect(failure).toMatchObject({ code: "model_error", retryable: false });
    expect(failure.message).toMatch(advice);
  });

  it.each([
    "ModelStreamErrorException",
    "InternalServerException",
    "ServiceUnavailableException",
    "ModelNotReadyException",
    "ModelTimeoutException",
  ])("maps the transient %s to a retryable model_error", (name) => {
    expect(describeRunFailure(awsError(name))).toMatchObject({ code: "model_error", retryable: true });
  });

  it("never passes on the service's own message", () => {
    for (const name of ["ThrottlingException", "AccessDeniedException", "ValidationException", "Whatever"]) {
      const failure = describeRunFailure(awsError(name));
      expect(failure.message).not.toMatch(/0f1e2d3c|arn:aws|secret/);
      expect(runErrorSchema.parse(failure)).toEqual(failure);
    }
  });

  it("returns a fresh object each time, so callers cannot change the table", () => {
    const first = describeRunFailure(awsError("ThrottlingException"));
    first.message = "changed";
    expect(describeRunFailure(awsError("ThrottlingException")).message).not.toBe("changed");
  });

  it("passes an AppError through with its code, message and retryability", () => {
    expect(
      describeRunFailure(new AppError("deadline_exceeded", "The run took longer than 5 minutes.")),
    ).toEqual({
      code: "deadline_exceeded",
      message: "The run took longer than 5 minutes.",
      retryable: false,
    });
    expect(describeRunFailure(new AppError("rate_limited", "Slow down."))).toEqual({
      code: "rate_limited",
      message: "Slow down.",
      retryable: true,
    });
    expect(describeRunFailure(new AppError("model_error", "No.", { retryable: false })).retryable).toBe(
      false,
    );
  });

  it("explains a graph that looped too often", () => {
    expect(describeRunFailure(new GraphRecursionError("Recursion limit of 25 reached"))).toEqual({
      code: "internal",
      retryable: false,
      message: "The workflow looped more times than allowed and was ended.",
    });
  });

  it.each([
    ["an unknown Error", new Error("Cannot read properties of undefined (reading 'apiKey')")],
    ["a TypeError", new TypeError("fetch failed: connect ECONNREFUSED 10.0.0.7:443")],
    ["a thrown string", "internal state dump"],
    ["undefined", undefined],
    ["a plain object", { message: "leaky", name: "Unknown" }],
  ])("reports %s as internal without leaking its message", (_, thrown) => {
    const failure = describeRunFailure(thrown);
    expect(failure).toEqual({
      code: "internal",
      retryable: true,
      message: "The run failed unexpectedly; try again.",
    });
  });
});

describe("StopReason", () => {
  it("says who stopped the run", () => {
    expect(StopReason.byUser(1000)).toMatchObject({
      by: "user",
      message: "Stopped by the user.",
      at: 1000,
      interrupts: false,
    });
    // Who asked is recorded; where from goes to the logs only, never into the run.
    expect(Object.keys(StopReason.byUser(1000))).not.toContain("from");
    expect(StopReason.quota("Out of tokens for today.")).toMatchObject({
      by: "quota",
      limit: "quota_exceeded",
    });
    expect(StopReason.paused("Paused for today.")).toMatchObject({ by: "paused", limit: "service_paused" });
    expect(StopReason.shutdown()).toMatchObject({ by: "shutdown", interrupts: true });
    expect(StopReason.lost()).toMatchObject({ by: "lost", interrupts: true });
  });

  it("reads a StopReason back from an abort signal's reason, or falls back to a plain stop", () => {
    const controller = new AbortController();
    controller.abort(StopReason.shutdown());
    expect(stopReasonOf(controller.signal.reason)).toBe(controller.signal.reason);

    // A copy of the class from another bundle (instrumentation vs. route handlers) still reads.
    const copy = { by: "shutdown", message: "The server shut down.", from: undefined, at: 5 };
    expect(stopReasonOf(copy)).toMatchObject({ by: "shutdown", interrupts: true, at: 5 });

    const plain = new AbortController();
    plain.abort();
    expect(stopReasonOf(plain.signal.reason)).toMatchObject({ by: "user", message: "Stopped." });
    expect(stopReasonOf(undefined)).toBeInstanceOf(StopReason);
  });
});
