import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { compileEdgeHasher } from "./edge-functions";

const source = readFileSync(fileURLToPath(new URL("../edge/hasher.ts", import.meta.url)), "utf8");

describe("compileEdgeHasher", () => {
  it("turns edge/hasher.ts into the ES module Lambda@Edge runs, with a working handler", async () => {
    const compiled = compileEdgeHasher(source);
    expect(compiled).not.toMatch(/aws-lambda|: CloudFront/);
    const dir = mkdtempSync(join(tmpdir(), "edge-hasher-"));
    try {
      writeFileSync(join(dir, "index.mjs"), compiled);
      const { handler } = (await import(pathToFileURL(join(dir, "index.mjs")).href)) as {
        handler: (event: unknown) => Promise<{ headers: Record<string, { value: string }[]> }>;
      };
      const body = Buffer.from('{"workflow":"trip-planner","input":"Lisbon"}');
      const result = await handler({
        Records: [
          {
            cf: {
              request: {
                method: "POST",
                uri: "/api/runs",
                headers: {},
                body: {
                  action: "read-only",
                  encoding: "base64",
                  inputTruncated: false,
                  data: body.toString("base64"),
                },
              },
            },
          },
        ],
      });
      expect(result.headers["x-amz-content-sha256"]?.[0]?.value).toBe(
        createHash("sha256").update(body).digest("hex"),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses source that does not compile", () => {
    expect(() => compileEdgeHasher("export const = ;")).toThrow(/does not compile/);
  });
});
