import { fileURLToPath } from "node:url";
import * as aws from "@pulumi/aws";
import * as dockerbuild from "@pulumi/docker-build";
import * as pulumi from "@pulumi/pulumi";
import type { StackSettings } from "../settings.ts";
import { createStack } from "../stack.ts";
import { installPulumiMocks, type RecordedResource, resolved, settle } from "./pulumi-mocks.ts";

export const projectRoot = fileURLToPath(new URL("../..", import.meta.url));
/** The longest stage the stack supports, in every character SST accepts in one. */
export const LONG_STAGE = "Feature-ABC-1234-checkout-v2-with-a-long";
export const AUTH_SECRET = "k3S9x2Qp7vLm4Tn8Wb1Zr6Yc0Hd5Jf2Ga9Ue3Is7Ok=";
export const OIDC_CLIENT_SECRET = "oidc-client-secret";

export interface TestStack {
  stack: ReturnType<typeof createStack>;
  resources: RecordedResource[];
  /** The resource options each resource was created with (the mocks see only inputs). */
  optionsByName: Map<string, pulumi.CustomResourceOptions>;
}

/** The AWS SDK as the stack sees it, recording the options of every resource it constructs. */
function recordingOptions<T extends object>(module: T, optionsByName: TestStack["optionsByName"]): T {
  return new Proxy(module, {
    get(target, key) {
      const value = Reflect.get(target, key);
      if (typeof value === "function" && /^[A-Z]/.test(String(key))) {
        return new Proxy(value, {
          construct(resourceClass, args) {
            optionsByName.set(String(args[0]), (args[2] ?? {}) as pulumi.CustomResourceOptions);
            return Reflect.construct(resourceClass, args);
          },
        });
      }
      return value !== null && typeof value === "object" ? recordingOptions(value, optionsByName) : value;
    },
  });
}

/**
 * Builds the whole stack under Pulumi's mocks, for the longest stage, with the session secret
 * (and the OIDC client secret when the settings configure OIDC) set, and waits until every
 * resource is registered. One per test file: the mocks are the process's.
 */
export async function buildTestStack(settings: StackSettings, stage = LONG_STAGE): Promise<TestStack> {
  const resources = installPulumiMocks();
  const optionsByName: TestStack["optionsByName"] = new Map();
  const stack = createStack(
    { aws: recordingOptions(aws, optionsByName), pulumi, dockerbuild },
    {
      name: "Stepstream",
      identity: { app: "stepstream", stage },
      projectRoot,
      settings,
      secrets: {
        authSecret: pulumi.secret(AUTH_SECRET),
        ...(settings.auth.oidc ? { oidcClientSecret: pulumi.secret(OIDC_CLIENT_SECRET) } : {}),
      },
    },
  );
  await resolved(stack.cdn.url);
  await settle(resources);
  return { stack, resources, optionsByName };
}
