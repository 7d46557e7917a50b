import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { appEnvironment } from "@/infra/app-environment";
import { APP_LIMITS, defaultSettings } from "@/infra/settings";
import { envVariables } from "@/lib/env";
import { externalEnvVariables } from "@/lib/env-external";
import { envReads } from "@/scripts/docs/env-reads";

/**
 * Which code may read which environment variables.
 * - The app (app/, components/, lib/ and the files Next loads from the root) and our scripts read
 *   their settings through lib/env.ts's serverEnv(), validated and documented there; besides it,
 *   only the variables npm, Next.js or the shell own, listed in lib/env-external.ts.
 * - edge/ reads none: Lambda@Edge functions and CloudFront Functions have no environment variables.
 * Not scanned: tests and e2e/ (they set up the environments of the servers they start), and infra/
 * with sst.config.ts, which run at deploy time in the deploying shell and read the deploy's own
 * settings through infra/settings.ts (documented in docs/deploy.md).
 */
const root = join(import.meta.dirname, "..", "..");
const SOURCE = /\.(?:ts|tsx|js|mjs)$/;
const TEST = /\.test(?:-support)?\.tsx?$|\.spec\.ts$/;

function sourceFiles(folder: string): string[] {
  return readdirSync(join(root, folder)).flatMap((name) => {
    const path = `${folder}/${name}`;
    if (statSync(join(root, path)).isDirectory()) return sourceFiles(path);
    return SOURCE.test(name) && !TEST.test(name) ? [path] : [];
  });
}

const appFiles = [
  ...["app", "components", "lib", "scripts"].flatMap(sourceFiles),
  "proxy.ts",
  "instrumentation.ts",
  "next.config.js",
].filter((path) => path !== "lib/env.ts");
const readsIn = (path: string) =>
  envReads(readFileSync(join(root, path), "utf8")).map((read) => ({ ...read, path }));

describe("environment variables", () => {
  const settings = new Set(envVariables().map((variable) => variable.name));
  const external = new Set(externalEnvVariables.map((variable) => variable.name));

  it("the scan sees the app's files and the reads it has to allow", () => {
    expect(appFiles.length).toBeGreaterThan(100);
    const names = appFiles.flatMap(readsIn).map((read) => read.name);
    expect(names).toEqual(expect.arrayContaining(["INIT_CWD", "NEXT_MANUAL_SIG_HANDLE", "NEXT_RUNTIME"]));
  });

  it("the app and scripts read only documented variables, and their settings through lib/env.ts", () => {
    const problems = appFiles.flatMap(readsIn).flatMap(({ path, line, name }) => {
      const where = `${path}:${line}`;
      if (name === undefined) return [`${where} reads a variable whose name is computed; name it`];
      if (settings.has(name)) return [`${where} reads ${name} directly: use serverEnv().${name}`];
      if (!external.has(name)) {
        return [
          `${where} reads ${name}, which is undocumented: add it to lib/env.ts (a setting) or lib/env-external.ts, then run \`npm run docs:config\``,
        ];
      }
      return [];
    });
    expect(problems).toEqual([]);
  });

  it("edge/ reads none: Lambda@Edge and CloudFront Functions have no environment", () => {
    const edgeFiles = sourceFiles("edge");
    expect(edgeFiles.length).toBeGreaterThan(0);
    const touching = edgeFiles.filter((path) =>
      readFileSync(join(root, path), "utf8").includes("process.env"),
    );
    expect(touching).toEqual([]);
  });

  it("the deployed function is given only settings lib/env.ts reads, besides the Lambda Web Adapter's own", () => {
    const everything = appEnvironment(
      {
        ...defaultSettings,
        domain: { name: "runs.example.com", certificateArn: "arn:aws:acm:us-east-1:1:certificate/x" },
        auth: { required: "true", oidc: { issuer: "https://id.example.com", clientId: "stepstream" } },
        appLimits: Object.fromEntries(APP_LIMITS.map((name) => [name, 1])),
      },
      { tableName: "runs", secrets: { authSecret: "a".repeat(32), oidcClientSecret: "s" } },
    );
    const unknown = Object.keys(everything).filter(
      (name) => !settings.has(name) && !name.startsWith("AWS_LWA_"),
    );
    expect(Object.keys(everything).length).toBeGreaterThan(15);
    expect(unknown).toEqual([]);
  });
});
