import { describe, expect, it, vi } from "vitest";
import { startRunRequestSchema } from "@/app/api/runs/schema";
import { AppError, type ErrorCode } from "@/lib/errors";
import { MAX_BODY_BYTES, MAX_INPUT_CHARS } from "@/lib/runs/limits";
import { handleErrors } from "./handle";
import { readJsonBody } from "./read-json-body";
import { assertSameOrigin } from "./same-origin";
import { parseRequest } from "./validate";

const url = "https://stepstream.example/api/runs";

const jsonRequest = (body: BodyInit | null, headers: Record<string, string> = {}) =>
  new Request(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });

/** A body that arrives in pieces with no Content-Length, as a chunked upload does. */
function streamedRequest(pieces: Uint8Array[]): { request: Request; piecesRead: () => number } {
  let pulled = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      const piece = pieces[pulled++];
      if (piece) controller.enqueue(piece);
      else controller.close();
    },
  });
  // Node's fetch needs `duplex: "half"` for a streamed request body; the DOM types do not know it.
  const init = { method: "POST", headers: { "content-type": "application/json" }, body, duplex: "half" };
  return { request: new Request(url, init as RequestInit), piecesRead: () => pulled };
}

/** The AppError a call throws, or a failure if it throws something else or nothing. */
async function appErrorOf(call: () => unknown): Promise<AppError> {
  try {
    await call();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw new Error(`Expected an AppError, got ${String(error)}`);
  }
  throw new Error("Expected an AppError, but nothing was thrown");
}

const expectAppError = async (call: () => unknown, code: ErrorCode, status: number) => {
  const error = await appErrorOf(call);
  expect({ code: error.code, status: error.status }).toEqual({ code, status });
  return error;
};

describe("readJsonBody", () => {
  it("reads a JSON object", async () => {
    const body = { workflow: "trip-planner", input: "Zwei Tage in Köln 🚲" };
    expect(await readJsonBody(jsonRequest(JSON.stringify(body)), MAX_BODY_BYTES)).toEqual(body);
    const withCharset = jsonRequest("[1,2]", { "content-type": "application/json; charset=utf-8" });
    expect(await readJsonBody(withCharset, MAX_BODY_BYTES)).toEqual([1, 2]);
  });

  it.each([
    ["text/plain", "{}"],
    ["application/x-www-form-urlencoded", "workflow=trip-planner"],
    ["application/jsonp", "{}"],
    ["", "{}"],
  ])("refuses Content-Type %j with 415", async (contentType, body) => {
    const request = new Request(url, { method: "POST", headers: { "content-type": contentType }, body });
    const error = await expectAppError(
      () => readJsonBody(request, MAX_BODY_BYTES),
      "unsupported_media_type",
      415,
    );
    expect(error.message).toContain("application/json");
  });

  it("refuses a declared Content-Length over the limit before reading", async () => {
    const request = jsonRequest("{}", { "content-length": String(MAX_BODY_BYTES + 1) });
    const error = await expectAppError(() => readJsonBody(request, MAX_BODY_BYTES), "payload_too_large", 413);
    expect(error.message).toContain("32 KB");
    // The body was left unread.
    expect(request.bodyUsed).toBe(false);
  });

  it("cuts off a streamed body over the limit that declares no length", async () => {
    const piece = new TextEncoder().encode(`"${"x".repeat(1000)}`);
    const { request, piecesRead } = streamedRequest(Array.from({ length: 100 }, () => piece));
    expect(request.headers.get("content-length")).toBeNull();
    await expectAppError(() => readJsonBody(request, 4096), "payload_too_large", 413);
    // It stopped reading soon after the limit instead of taking in all 100 KB.
    expect(piecesRead()).toBeLessThan(10);
  });

  it("cuts off a body larger than its declared Content-Length says", async () => {
    const request = jsonRequest(JSON.stringify({ input: "x".repeat(5000) }), { "content-length": "10" });
    await expectAppError(() => readJsonBody(request, 1024), "payload_too_large", 413);
  });

  it("accepts a body of exactly the limit", async () => {
    const text = JSON.stringify({ input: "y".repeat(100) });
    const { request } = streamedRequest([new TextEncoder().encode(text)]);
    expect(await readJsonBody(request, text.length)).toEqual({ input: "y".repeat(100) });
  });

  it.each([
    ["invalid JSON", '{"workflow": '],
    ["trailing garbage", "{} {}"],
  ])("refuses %s with 400", async (_, body) => {
    const error = await expectAppError(
      () => readJsonBody(jsonRequest(body), MAX_BODY_BYTES),
      "bad_request",
      400,
    );
    expect(error.message).toMatch(/not valid JSON/);
  });

  it.each([
    ["an empty body", ""],
    ["a blank body", " \n\t "],
    ["no body", null],
  ])("refuses %s with 400", async (_, body) => {
    const error = await expectAppError(
      () => readJsonBody(jsonRequest(body), MAX_BODY_BYTES),
      "bad_request",
      400,
    );
    expect(error.message).toMatch(/empty/);
  });

  it("refuses a body that is not UTF-8 with 400", async () => {
    const latin1 = Uint8Array.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xe9, 0x22, 0x7d]); // {"a":"é"} in Latin-1
    const error = await expectAppError(
      () => readJsonBody(jsonRequest(latin1), MAX_BODY_BYTES),
      "bad_request",
      400,
    );
    expect(error.message).toMatch(/UTF-8/);
  });

  it("decodes a multi-byte character split across pieces", async () => {
    const bytes = new TextEncoder().encode('{"input":"é"}');
    const split = bytes.indexOf(0xc3) + 1;
    const { request } = streamedRequest([bytes.slice(0, split), bytes.slice(split)]);
    expect(await readJsonBody(request, MAX_BODY_BYTES)).toEqual({ input: "é" });
  });
});

describe("assertSameOrigin", () => {
  const post = (headers: Record<string, string>) => new Request(url, { method: "POST", headers });
  const allowed =
    (request: Request, origins: string[] = [], behindCloudFront = false) =>
    () =>
      assertSameOrigin(request, {
        ALLOWED_ORIGINS: origins,
        ALLOWED_HOSTS: [],
        BEHIND_CLOUDFRONT: behindCloudFront,
      });

  it("lets through a request without an Origin (curl, server-to-server)", () => {
    expect(allowed(post({ host: "stepstream.example" }))).not.toThrow();
    expect(allowed(post({}))).not.toThrow();
  });

  it("lets through a request from its own host", () => {
    expect(allowed(post({ host: "stepstream.example", origin: "https://stepstream.example" }))).not.toThrow();
    expect(allowed(post({ host: "localhost:3000", origin: "http://localhost:3000" }))).not.toThrow();
    expect(
      allowed(
        post({
          host: "stepstream.example",
          origin: "https://stepstream.example",
          "sec-fetch-site": "same-origin",
        }),
      ),
    ).not.toThrow();
  });

  it("matches the viewer's host from X-Original-Host behind CloudFront, and only there", async () => {
    const request = post({
      host: "abc123.lambda-url.us-east-1.on.aws",
      "x-original-host": "stepstream.example",
      origin: "https://stepstream.example",
    });
    expect(allowed(request, [], true)).not.toThrow();
    // Off CloudFront the header is anyone's to send: a rebinding page could claim any host.
    await expectAppError(allowed(request), "forbidden_origin", 403);
  });

  it("lets through an origin on the allowed list", () => {
    const request = post({ host: "stepstream.example", origin: "https://preview.stepstream.dev" });
    expect(allowed(request, ["https://preview.stepstream.dev"])).not.toThrow();
  });

  it.each([
    ["another site", { host: "stepstream.example", origin: "https://evil.example" }],
    ["a look-alike host", { host: "stepstream.example", origin: "https://stepstream.example.evil.example" }],
    ["another port", { host: "localhost:3000", origin: "http://localhost:4000" }],
    ["a malformed origin", { host: "stepstream.example", origin: "not a url" }],
    ["the opaque origin null", { host: "stepstream.example", origin: "null" }],
    [
      "a cross-site fetch even with a matching origin",
      { host: "stepstream.example", origin: "https://stepstream.example", "sec-fetch-site": "cross-site" },
    ],
    ["a cross-site fetch without an origin", { host: "stepstream.example", "sec-fetch-site": "cross-site" }],
    [
      "an origin matching neither X-Original-Host nor Host",
      {
        host: "abc123.lambda-url.us-east-1.on.aws",
        "x-original-host": "stepstream.example",
        origin: "https://evil.example",
      },
    ],
  ])("refuses %s with 403", async (_, headers) => {
    const error = await expectAppError(
      allowed(post(headers), ["https://preview.stepstream.dev"], true),
      "forbidden_origin",
      403,
    );
    expect(error.toBody()).toEqual({ error: { code: "forbidden_origin", message: error.message } });
  });
});

describe("parseRequest with the start-run schema", () => {
  const parse = (value: unknown) => parseRequest(startRunRequestSchema, value);

  it("returns the trimmed request", () => {
    expect(parse({ workflow: " trip-planner ", input: "  Two days in Porto \n" })).toEqual({
      workflow: "trip-planner",
      input: "Two days in Porto",
    });
  });

  it.each([
    ["workflow", "The workflow is missing."],
    ["input", "The task is missing."],
  ])("says in words that the %s is missing", async (field, message) => {
    const body: Record<string, string> = { workflow: "trip-planner", input: "Porto" };
    delete body[field];
    const error = await expectAppError(() => parse(body), "bad_request", 400);
    expect(error.message).toBe(message);
  });

  it("says what a field of the wrong type should be", async () => {
    const error = await expectAppError(
      () => parse({ workflow: "trip-planner", input: 42 }),
      "bad_request",
      400,
    );
    expect(error.message).toBe("The task must be text.");
  });

  it("explains an empty task in words", async () => {
    const error = await expectAppError(
      () => parse({ workflow: "trip-planner", input: "   " }),
      "bad_request",
      400,
    );
    expect(error.message).toBe("Describe the task for the workflow.");
  });

  it("refuses unknown fields by name", async () => {
    const error = await expectAppError(
      () => parse({ workflow: "trip-planner", input: "Porto", model: "gpt", debug: true }),
      "bad_request",
      400,
    );
    expect(error.message).toBe('The request has fields it does not take: "model", "debug".');
  });

  it("refuses a task over the length limit, counted after trimming", async () => {
    const error = await expectAppError(
      () => parse({ workflow: "trip-planner", input: "x".repeat(MAX_INPUT_CHARS + 1) }),
      "bad_request",
      400,
    );
    expect(error.message).toBe(
      `Keep the task to at most ${MAX_INPUT_CHARS.toLocaleString("en-US")} characters.`,
    );
    const padded = `  ${"x".repeat(MAX_INPUT_CHARS)}  `;
    expect(parse({ workflow: "trip-planner", input: padded }).input).toHaveLength(MAX_INPUT_CHARS);
  });

  it.each([
    ["a string", "Porto"],
    ["an array", []],
    ["null", null],
    ["a number", 7],
  ])("refuses %s as the body", async (_, value) => {
    const error = await expectAppError(() => parse(value), "bad_request", 400);
    expect(error.message).toBe("The request body must be a JSON object.");
  });
});

describe("handleErrors", () => {
  it("renders an AppError as its JSON response and hides anything else behind a 500", async () => {
    const refused = handleErrors(async () => {
      throw new AppError("payload_too_large", "Too big.");
    });
    const response = await refused();
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ error: { code: "payload_too_large", message: "Too big." } });

    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      const broken = handleErrors(async () => {
        throw new Error("database password is hunter2");
      });
      const failed = await broken();
      expect(failed.status).toBe(500);
      const text = await failed.text();
      expect(text).not.toContain("hunter2");
      expect(JSON.parse(text)).toMatchObject({ error: { code: "internal" } });
      // The details go to the server log instead.
      expect(logged).toHaveBeenCalledTimes(1);
    } finally {
      logged.mockRestore();
    }
  });
});
