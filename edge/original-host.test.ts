import { readFileSync } from "node:fs";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";

const source = readFileSync(new URL("./original-host.js", import.meta.url), "utf8");

interface FunctionRequest {
  method: string;
  uri: string;
  querystring: Record<string, { value: string }>;
  headers: Record<string, { value: string; multiValue?: { value: string }[] }>;
  cookies: Record<string, { value: string }>;
}

/** Runs the function as CloudFront does: a fresh sandbox, no Node globals, `handler(event)`. */
function runViewerRequest(
  headers: FunctionRequest["headers"],
  viewerIp: string | null = "198.51.100.11",
): FunctionRequest {
  const event = {
    version: "1.0",
    context: {
      distributionDomainName: "d111111abcdef8.cloudfront.net",
      distributionId: "EDFDVBD6EXAMPLE",
      eventType: "viewer-request",
      requestId: "EXAMPLEntjQpEXAMPLE_SG5Z-EXAMPLEPmPfEXAMPLEu3EqEXAMPLE==",
    },
    viewer: viewerIp ? { ip: viewerIp } : {},
    request: { method: "POST", uri: "/api/runs", querystring: {}, headers, cookies: {} },
  };
  return runInNewContext(`${source}\nhandler(event);`, { event }, { timeout: 100 }) as FunctionRequest;
}

describe("the X-Original-Host CloudFront Function", () => {
  it("copies Host into X-Original-Host", () => {
    const request = runViewerRequest({ host: { value: "stepstream.example.com" } });
    expect(request.headers["x-original-host"]).toEqual({ value: "stepstream.example.com" });
    expect(request.headers.host).toEqual({ value: "stepstream.example.com" });
    expect(request.uri).toBe("/api/runs");
  });

  it("overwrites an X-Original-Host the client sent, multi-valued or not", () => {
    const spoofed = runViewerRequest({
      host: { value: "stepstream.example.com" },
      "x-original-host": { value: "evil.example", multiValue: [{ value: "evil.example" }, { value: "x" }] },
    });
    expect(spoofed.headers["x-original-host"]).toEqual({ value: "stepstream.example.com" });
  });

  it("drops a client's X-Original-Host when there is no Host to copy", () => {
    const request = runViewerRequest({ "x-original-host": { value: "evil.example" } });
    expect(request.headers["x-original-host"]).toBeUndefined();
  });

  it("puts the viewer's IP address in X-Viewer-Address, over anything the client sent", () => {
    const request = runViewerRequest({
      host: { value: "stepstream.example.com" },
      "x-viewer-address": { value: "203.0.113.66" },
    });
    expect(request.headers["x-viewer-address"]).toEqual({ value: "198.51.100.11" });
    const ipv6 = runViewerRequest({ host: { value: "stepstream.example.com" } }, "2001:db8::7");
    expect(ipv6.headers["x-viewer-address"]).toEqual({ value: "2001:db8::7" });
    const none = runViewerRequest({ "x-viewer-address": { value: "203.0.113.66" } }, null);
    expect(none.headers["x-viewer-address"]).toBeUndefined();
  });

  it("fits CloudFront Functions' limits: a plain script under 10 KB with a top-level handler", () => {
    expect(Buffer.byteLength(source)).toBeLessThan(10 * 1024);
    expect(source).not.toMatch(/\b(import|export|require)\b/);
    expect(source).toMatch(/^function handler\(event\)/m);
  });
});
