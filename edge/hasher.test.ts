import { createHash } from "node:crypto";
import type { CloudFrontRequest, CloudFrontRequestEvent, CloudFrontResultResponse } from "aws-lambda";
import { describe, expect, it } from "vitest";
import { handler } from "./hasher";

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

  it("uses no environment variables, which Lambda@Edge does not allow", async () => {
    const source = await import("node:fs").then((fs) =>
      fs.readFileSync(new URL("./hasher.ts", import.meta.url), "utf8"),
    );
    expect(source).not.toMatch(/process\.env/);
    expect([...source.matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1])).toEqual([
      "node:crypto",
      "aws-lambda",
    ]);
  });
});
