import { describe, expect, it } from "vitest";
import { errorTable } from "@/lib/error-codes";
import { describeFailure } from "./failure-messages";

/** What the AI SDK's transport throws for an HTTP error: an Error whose message is the body. */
const httpError = (body: unknown) => new Error(JSON.stringify(body));

describe("describeFailure: a run's error from the stream", () => {
  it("takes the title from the error table and keeps the server's words as the detail", () => {
    expect(
      describeFailure({ code: "rate_limited", message: "Bedrock is throttling.", retryable: true }),
    ).toEqual({
      code: "rate_limited",
      title: "The model is busy",
      detail: "Bedrock is throttling.",
      retryable: true,
    });
  });

  it("keeps the server's retryability for that very failure over the code's usual one", () => {
    const wrongModel = { code: "model_error", message: "No such model id.", retryable: false };
    expect(errorTable.model_error.retryable).toBe(true);
    expect(describeFailure(wrongModel).retryable).toBe(false);
  });

  it.each(Object.entries(errorTable))(
    "without a retryability of its own, %s reads it from the table",
    (code, info) => {
      expect(describeFailure({ code, message: "detail" })).toMatchObject({
        code,
        title: info.title,
        retryable: info.retryable,
      });
    },
  );

  it("reads a code it does not know (a newer server's) as internal, keeping the message", () => {
    expect(describeFailure({ code: "teapot", message: "I am a teapot." })).toEqual({
      code: "internal",
      title: errorTable.internal.title,
      detail: "I am a teapot.",
      retryable: errorTable.internal.retryable,
    });
  });
});

describe("describeFailure: an Error from the transport", () => {
  it("reads an HTTP error body: title and retryability from the table, the limit's reset time kept", () => {
    const resetsAt = Date.UTC(2026, 11, 7);
    const refusal = httpError({
      error: { code: "quota_exceeded", message: "You have started today's 2 runs.", limit: "runs", resetsAt },
    });
    expect(describeFailure(refusal)).toEqual({
      code: "quota_exceeded",
      title: "You have used today's allowance",
      detail: "You have started today's 2 runs.",
      retryable: false,
      resetsAt,
    });
    const unsaved = httpError({ error: { code: "store_unavailable", message: "Runs cannot be saved." } });
    expect(describeFailure(unsaved)).toMatchObject({ code: "store_unavailable", retryable: true });
  });

  it("reads an error body with an unknown code as internal, with its message, not the raw JSON", () => {
    const notice = describeFailure(httpError({ error: { code: "teapot", message: "Short and stout." } }));
    expect(notice).toMatchObject({
      code: "internal",
      title: errorTable.internal.title,
      detail: "Short and stout.",
    });
  });

  it.each([
    "Failed to fetch",
    "NetworkError when attempting to fetch resource.",
    "terminated",
    "BodyStreamBuffer was aborted",
  ])("says a broken connection (%s) was lost, and offers Retry", (message) => {
    expect(describeFailure(new Error(message))).toMatchObject({
      code: "network",
      title: "The connection was lost",
      retryable: true,
    });
  });

  it("reports anything else as internal, with its text", () => {
    expect(describeFailure(new Error("Unexpected token < in JSON"))).toEqual({
      code: "internal",
      title: "Something went wrong",
      detail: "Unexpected token < in JSON",
      retryable: errorTable.internal.retryable,
    });
  });
});
