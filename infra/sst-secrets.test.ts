import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import {
  importSstConfig,
  installSstGlobals,
  programErrors,
  SecretMissingError,
  type SstConfig,
} from "./testing/fake-sst";
import { installPulumiMocks } from "./testing/pulumi-mocks";

/**
 * sst.config.ts with a secret the team has not set: SST fails the program with its own message
 * (infra/testing/fake-sst.ts is as strict as SST's Secret), and the app function is never created.
 */
const projectRoot = fileURLToPath(new URL("..", import.meta.url));
const resources = installPulumiMocks();
const { globals } = installSstGlobals(projectRoot);
let config: SstConfig;

beforeAll(async () => {
  delete process.env.SST_SECRET_AuthSecret;
  config = await importSstConfig();
});

const appFunctions = () => resources.filter((r) => r.name === "StepstreamFunction");

describe("a deploy without the session secret set", () => {
  it("fails with SST's message for AuthSecret, and creates no app function", async () => {
    globals.$dev = false;
    const errors = await programErrors(() => config.run());
    expect(errors.length).toBeGreaterThan(0);
    for (const error of errors) {
      expect(error).toBeInstanceOf(SecretMissingError);
      expect(error.message).toBe("Set a value for AuthSecret with `sst secret set AuthSecret <value>`");
    }
    expect(appFunctions()).toEqual([]);
  });

  it("fails under `sst dev` too, before `next dev` gets a session secret", async () => {
    globals.$dev = true;
    globals.$app = { name: "stepstream", stage: "bob" };
    const errors = await programErrors(() => config.run());
    expect(errors.map((error) => error.message)).toContain(
      "Set a value for AuthSecret with `sst secret set AuthSecret <value>`",
    );
  });

  it("fails for the OIDC client secret when an OIDC provider is configured without it", async () => {
    globals.$dev = false;
    globals.$app = { name: "stepstream", stage: "carol" };
    Object.assign(process.env, {
      SST_SECRET_AuthSecret: "k3S9x2Qp7vLm4Tn8Wb1Zr6Yc0Hd5Jf2Ga9Ue3Is7Ok=",
      AUTH_OIDC_ISSUER: "https://accounts.example.com",
      AUTH_OIDC_CLIENT_ID: "stepstream-web",
    });
    resources.length = 0;
    try {
      const errors = await programErrors(() => config.run());
      expect(errors.length).toBeGreaterThan(0);
      expect(new Set(errors.map((error) => error.message))).toEqual(
        new Set(["Set a value for AuthOidcClientSecret with `sst secret set AuthOidcClientSecret <value>`"]),
      );
      expect(appFunctions()).toEqual([]);
    } finally {
      for (const name of ["SST_SECRET_AuthSecret", "AUTH_OIDC_ISSUER", "AUTH_OIDC_CLIENT_ID"])
        delete process.env[name];
    }
  });
});
