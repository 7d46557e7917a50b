import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { CloudFrontRequest, CloudFrontRequestEvent, CloudFrontResultResponse } from "aws-lambda";
import { describe, expect, it } from "vitest";
import { BODY_RULES, handler } from "./hasher";

const sha256 = (bytes: Buffer | string) => createHash("sha256").update(bytes).digest("hex");
const EMPTY_HASH = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/** An origin-request event as Lambda@Edge documents it, for a distribution with IncludeBody. */
function originRequest(request: Partial<CloudFrontRequest>): CloudFrontRequestEvent {
  return {
    Records: [
      {
        cf: {
          config: {
            distributionDomainName: "d111111abcdef8.cloudfront.net",
            distributionId: "EDFDVBD6EXAMPLE",
            eventType: "origin-request",
            requestId: "4TyzHTaYWb1GX1qTfsHhEqV6HUDd_BzoBZnwfnvQc_1oF26ClkoUSEQ==",
          },
          request: {
            clientIp: "203.0.113.178",
            method: "GET",
            uri: "/api/health",
            querystring: "",
            headers: {
              host: [{ key: "Host", value: "abcdefgh.lambda-url.us-east-1.on.aws" }],
              "x-original-host": [{ key: "X-Original-Host", value: "stepstream.example.com" }],
            },
            origin: {
              custom: {
                customHeaders: {},
                domainName: "abcdefgh.lambda-url.us-east-1.on.aws",
                keepaliveTimeout: 5,
                path: "",
                port: 443,
                protocol: "https",
                readTimeout: 60,
                sslProtocols: ["TLSv1.2"],
              },
            },
            ...request,
          },
        },
      },
    ],
  };
}

const body = (data: string, encoding: "base64" | "text", inputTruncated = false) => ({
  action: "read-only" as const,
  data,
  encoding,
  inputTruncated,
});

async function hashHeader(request: Partial<CloudFrontRequest>): Promise<string | undefined> {
  const result = (await handler(originRequest(request))) as CloudFrontRequest;
  return result.headers["x-amz-content-sha256"]?.[0]?.value;
}

describe("the edge hasher", () => {
  it("hashes a base64 body's bytes (how CloudFront delivers bodies)", async () => {
    const json = JSON.stringify({ workflow: "trip-planner", input: "Two days in Lisbon" });
    const result = await hashHeader({
      method: "POST",
      uri: "/api/runs",
      body: body(Buffer.from(json).toString("base64"), "base64"),
    });
    expect(result).toBe(sha256(json));
  });

  it("hashes a text body as its UTF-8 bytes", async () => {
    const text = '{"input":"Café in Zürich — 2 days ☕"}';
    expect(await hashHeader({ method: "POST", body: body(text, "text") })).toBe(
      sha256(Buffer.from(text, "utf8")),
    );
  });

  it("hashes a binary, non-UTF-8 body byte for byte, never through a string", async () => {
    const bytes = Buffer.from([0xff, 0xfe, 0x00, 0x80, 0xc3, 0x28, 0xa0, 0xa1, 0xf0, 0x28, 0x8c, 0xbc]);
    const result = await hashHeader({ method: "PUT", body: body(bytes.toString("base64"), "base64") });
    expect(result).toBe(sha256(bytes));
    // Decoding to a string first would replace the invalid sequences and sign different bytes.
    expect(result).not.toBe(sha256(Buffer.from(bytes.toString("utf8"), "utf8")));
  });

  it("signs the empty payload's hash for a POST with an empty body", async () => {
    expect(await hashHeader({ method: "POST", uri: "/api/runs/x/stop", body: body("", "base64") })).toBe(
      EMPTY_HASH,
    );
    expect(await hashHeader({ method: "POST", uri: "/api/runs/x/stop" })).toBe(EMPTY_HASH);
  });

  it("overwrites a hash the client sent", async () => {
    const result = await hashHeader({
      method: "POST",
      headers: { "x-amz-content-sha256": [{ key: "x-amz-content-sha256", value: sha256("something else") }] },
      body: body(Buffer.from("real").toString("base64"), "base64"),
    });
    expect(result).toBe(sha256("real"));
  });

  it("answers 413 with a clear JSON body, instead of forwarding a wrong hash, when the body was truncated", async () => {
    const event = originRequest({
      method: "POST",
      body: body(Buffer.alloc(64).toString("base64"), "base64", true),
    });
    const result = (await handler(event)) as CloudFrontResultResponse;
    expect(result.status).toBe("413");
    expect(result.headers?.["content-type"]?.[0]?.value).toBe("application/json");
    expect(JSON.parse(result.body ?? "")).toEqual({
      error: { code: "payload_too_large", message: expect.stringMatching(/too large/) },
    });
  });

  it("passes a GET, and a bodiless DELETE, through untouched", async () => {
    for (const request of [
      { method: "GET" },
      { method: "GET", body: body("", "base64") },
      { method: "DELETE" },
    ]) {
      const event = originRequest(request);
      const before = structuredClone(event.Records[0]?.cf.request);
      expect(await handler(event)).toEqual(before);
    }
  });
});

/** Every method some route of the app exports, plus the HEAD and OPTIONS Next answers itself. */
function methodsTheAppServes(): string[] {
  const appDir = fileURLToPath(new URL("../app", import.meta.url));
  const methods = new Set(["HEAD", "OPTIONS"]);
  for (const file of readdirSync(appDir, { recursive: true, encoding: "utf8" })) {
    if (!file.endsWith("route.ts")) continue;
    const source = readFileSync(join(appDir, file), "utf8");
    for (const match of source.matchAll(
      /export (?:async )?(?:const|function) (GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS)\b/g,
    )) {
      methods.add(match[1] as string);
    }
  }
  return [...methods].sort();
}

/** The request after the hasher: forwarded (with the hash it signs, if any) or answered at the edge. */
async function atTheEdge(request: Partial<CloudFrontRequest>) {
  const result = await handler(originRequest(structuredClone(request)));
  if (!result) throw new Error("The hasher returned nothing");
  if ("status" in result) return { answered: result as CloudFrontResultResponse };
  const forwarded = result as CloudFrontRequest;
  return { hash: forwarded.headers["x-amz-content-sha256"]?.[0]?.value };
}

describe("every method the app serves gets a correct body hash, or needs none", () => {
  const json = JSON.stringify({ reason: "testing" });
  const encoded = body(Buffer.from(json).toString("base64"), "base64");
  const contentLength = { "content-length": [{ key: "Content-Length", value: String(json.length) }] };

  it("knows a rule for each of them, and the app serves all seven CloudFront forwards", () => {
    const served = methodsTheAppServes();
    expect(served).toEqual(["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"]);
    for (const method of served) expect(BODY_RULES[method], method).toBeDefined();
  });

  it.each(["POST", "PUT", "PATCH"])(
    "%s: the body's hash, and the empty hash with no body",
    async (method) => {
      expect(await atTheEdge({ method, body: encoded, headers: contentLength })).toEqual({
        hash: sha256(json),
      });
      expect(await atTheEdge({ method, body: body("", "base64") })).toEqual({ hash: EMPTY_HASH });
      expect(await atTheEdge({ method })).toEqual({ hash: EMPTY_HASH });
    },
  );

  it.each(["DELETE", "OPTIONS"])(
    "%s: the body's hash when Lambda@Edge exposes one, else none",
    async (method) => {
      expect(await atTheEdge({ method, body: encoded, headers: contentLength })).toEqual({
        hash: sha256(json),
      });
      expect(await atTheEdge({ method })).toEqual({ hash: undefined });
      expect(await atTheEdge({ method, body: body("", "base64") })).toEqual({ hash: undefined });
    },
  );

  it.each(["DELETE", "OPTIONS"])(
    "%s: a body the request declares but Lambda@Edge did not expose is refused, never signed wrong",
    async (method) => {
      const { answered } = await atTheEdge({ method, headers: contentLength });
      expect(answered?.status).toBe("400");
      expect(JSON.parse(answered?.body ?? "")).toEqual({
        error: {
          code: "bad_request",
          message: `A ${method} request cannot carry a body through this site; send it without one.`,
        },
      });
      const chunked = { "transfer-encoding": [{ key: "Transfer-Encoding", value: "chunked" }] };
      expect((await atTheEdge({ method, headers: chunked })).answered?.status).toBe("400");
    },
  );

  it.each(["GET", "HEAD"])(
    "%s: none, since CloudFront refuses a GET with a body before the edge",
    async (method) => {
      expect(await atTheEdge({ method })).toEqual({ hash: undefined });
      expect(await atTheEdge({ method, headers: contentLength })).toEqual({ hash: undefined });
    },
  );

  it("uses no environment variables, which Lambda@Edge does not allow", async () => {
    const source = await import("node:fs").then((fs) =>
      fs.readFileSync(new URL("./hasher.ts", import.meta.url), "utf8"),
    );
    expect(source).not.toMatch(/process\.env/);
    expect([...source.matchAll(/^import [^;]*? from "([^"]+)";$/gm)].map((m) => m[1])).toEqual([
      "node:crypto",
      "aws-lambda",
    ]);
  });
});
