import { fileURLToPath } from "node:url";
import * as aws from "@pulumi/aws";
import * as dockerbuild from "@pulumi/docker-build";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { installPulumiMocks, resolved, settle } from "./testing/pulumi-mocks";

/**
 * Runs sst.config.ts itself, with the globals SST would provide (`$config`, `$dev`, `aws`,
 * `dockerbuild`, `$util`, `$cli`, `sst.x.DevCommand`) and Pulumi's mocks in place of the engine.
 */
const projectRoot = fileURLToPath(new URL("..", import.meta.url));
const resources = installPulumiMocks();
const devCommands: { name: string; args: Record<string, unknown> }[] = [];
const globals = globalThis as Record<string, unknown>;
Object.assign(globals, {
  $config: (config: unknown) => config,
  aws,
  dockerbuild,
  $util: pulumi,
  $cli: { paths: { root: projectRoot } },
  $app: { name: "stepstream", stage: "alice" },
  sst: {
    x: {
      DevCommand: class {
        constructor(name: string, args: Record<string, unknown>) {
          devCommands.push({ name, args });
        }
      },
    },
  },
});

interface SstConfig {
  app(input: { stage: string }): Record<string, unknown>;
  run(): Promise<Record<string, pulumi.Output<string>>>;
}
let config: SstConfig;

beforeAll(async () => {
  // Imported by path so the app's type check does not pull in SST's platform sources; the config
  // is type-checked against them by `npm run typecheck` (scripts/typecheck-sst.mjs).
  const path = new URL("../sst.config.ts", import.meta.url).href;
  config = ((await import(/* @vite-ignore */ path)) as { default: SstConfig }).default;
});

describe("sst.config.ts", () => {
  it("keeps production's data and protects it; other stages clean up after themselves", () => {
    for (const stage of ["prod", "production"]) {
      expect(config.app({ stage })).toMatchObject({
        name: "stepstream",
        home: "aws",
        removal: "retain",
        protect: true,
      });
    }
    expect(config.app({ stage: "alice" })).toMatchObject({ removal: "remove", protect: false });
  });

  it("under `sst dev`: runs next dev with the runs table, and builds no image, Lambda or CloudFront", async () => {
    globals.$dev = true;
    const outputs = await config.run();
    await settle(resources);
    expect(resources.map((r) => r.type)).toEqual(["aws:dynamodb/table:Table"]);
    expect(devCommands).toHaveLength(1);
    const [web] = devCommands;
    expect(web?.args.dev).toEqual({ command: "npm run dev", autostart: true });
    const environment = web?.args.environment as Record<string, pulumi.Output<string> | string>;
    const tableName = await resolved(outputs.runsTable as pulumi.Output<string>);
    expect(await resolved(pulumi.output(environment.RUNS_TABLE))).toBe(tableName);
    expect(outputs.url).toBeUndefined();
  });

  it("on deploy: creates the whole stack and outputs the CloudFront URL", async () => {
    globals.$dev = false;
    resources.length = 0;
    const outputs = await config.run();
    expect(await resolved(outputs.url as pulumi.Output<string>)).toMatch(/^https:\/\/d\w+\.cloudfront\.net$/);
    await settle(resources);
    const types = new Set(resources.map((r) => r.type));
    for (const type of [
      "docker-build:index:Image",
      "aws:lambda/function:Function",
      "aws:lambda/functionUrl:FunctionUrl",
      "aws:cloudfront/distribution:Distribution",
      "aws:cloudfront/function:Function",
      "aws:cloudfront/originAccessControl:OriginAccessControl",
      "aws:lambda/permission:Permission",
      "aws:dynamodb/table:Table",
    ]) {
      expect(types).toContain(type);
    }
    expect(devCommands).toHaveLength(1);
    expect(await resolved(outputs.edgeHasher as pulumi.Output<string>)).toMatch(
      /^stepstream-alice-EdgeHasher-/,
    );
  });

  it("refuses `sst dev` on the stage it just deployed, before creating anything", async () => {
    globals.$dev = true;
    const before = resources.length;
    await expect(config.run()).rejects.toThrow(
      /Stage "alice" is deployed \(arn:aws:lambda:.*\): `sst dev` there would delete .*npx sst dev --stage <your-name>/,
    );
    expect(resources.length).toBe(before);
    expect(devCommands).toHaveLength(1);
  });

  it("refuses `sst dev` on a protected stage outright", async () => {
    globals.$dev = true;
    globals.$app = { name: "stepstream", stage: "prod" };
    await expect(config.run()).rejects.toThrow(/would replace the deployed "prod" stack/);
    globals.$app = { name: "stepstream", stage: "alice" };
  });
});
