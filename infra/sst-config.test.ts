import { fileURLToPath } from "node:url";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { importSstConfig, installSstGlobals, type SstConfig } from "./testing/fake-sst";
import { asSecret, installPulumiMocks, only, resolved, settle } from "./testing/pulumi-mocks";

/**
 * Runs sst.config.ts itself, with the globals SST would provide (infra/testing/fake-sst.ts) and
 * Pulumi's mocks in place of the engine. Secrets are set as the SST CLI passes them to the
 * program: SST_SECRET_<name> in its environment. infra/sst-secrets.test.ts runs it without them.
 */
const projectRoot = fileURLToPath(new URL("..", import.meta.url));
const resources = installPulumiMocks();
const { devCommands, globals } = installSstGlobals(projectRoot);
const AUTH_SECRET = "k3S9x2Qp7vLm4Tn8Wb1Zr6Yc0Hd5Jf2Ga9Ue3Is7Ok=";
let config: SstConfig;

beforeAll(async () => {
  process.env.SST_SECRET_AuthSecret = AUTH_SECRET;
  config = await importSstConfig();
});

/**
 * The app function's environment variables. Pulumi keeps secrecy per top-level input, so a secret
 * among the variables makes the whole `environment` input a secret: that is how it reaches AWS.
 */
function appEnvironment(): Record<string, unknown> {
  const environment = only(resources, "aws:lambda/function:Function", "StepstreamFunction").inputs
    .environment;
  expect(environment).toEqual(asSecret(expect.objectContaining({ variables: expect.any(Object) })));
  return (environment as { value: { variables: Record<string, unknown> } }).value.variables;
}

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

  it("under `sst dev`: runs next dev with the runs table and the session secret, and builds no image, Lambda or CloudFront", async () => {
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
    expect(await resolved(pulumi.output(environment.AUTH_SECRET))).toBe(AUTH_SECRET);
    expect(await pulumi.isSecret(pulumi.output(environment.AUTH_SECRET))).toBe(true);
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
      "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy",
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

  it("on deploy: gives the function the AuthSecret SST secret as AUTH_SECRET, kept a Pulumi secret, and no OIDC", () => {
    const environment = appEnvironment();
    expect(environment.AUTH_SECRET).toBe(AUTH_SECRET);
    expect(Object.keys(environment).filter((key) => key.startsWith("AUTH_"))).toEqual(["AUTH_SECRET"]);
  });

  it("on deploy with an OIDC provider: passes its issuer and client id, and the AuthOidcClientSecret SST secret", async () => {
    Object.assign(process.env, {
      AUTH_OIDC_ISSUER: "https://accounts.example.com",
      AUTH_OIDC_CLIENT_ID: "stepstream-web",
      AUTH_REQUIRED: "true",
      SST_SECRET_AuthOidcClientSecret: "oidc-client-secret",
    });
    try {
      resources.length = 0;
      await resolved((await config.run()).url as pulumi.Output<string>);
      await settle(resources);
    } finally {
      for (const name of [
        "AUTH_OIDC_ISSUER",
        "AUTH_OIDC_CLIENT_ID",
        "AUTH_REQUIRED",
        "SST_SECRET_AuthOidcClientSecret",
      ]) {
        delete process.env[name];
      }
    }
    expect(appEnvironment()).toMatchObject({
      AUTH_SECRET: AUTH_SECRET,
      AUTH_OIDC_ISSUER: "https://accounts.example.com",
      AUTH_OIDC_CLIENT_ID: "stepstream-web",
      AUTH_OIDC_CLIENT_SECRET: "oidc-client-secret",
      AUTH_REQUIRED: "true",
    });
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
