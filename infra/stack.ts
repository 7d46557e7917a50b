import { readFileSync } from "node:fs";
import { join } from "node:path";
import type * as Aws from "@pulumi/aws";
import type { AppSecrets } from "./app-environment.ts";
import { createAppFunction, createAppImage } from "./app-function.ts";
import { createCdn } from "./cdn.ts";
import type { InfraDeps } from "./deps.ts";
import { createEdgeFunctions } from "./edge-functions.ts";
import type { StackIdentity } from "./naming.ts";
import { createRunsTable } from "./runs-table.ts";
import type { StackSettings } from "./settings.ts";

/**
 * The whole deployed stack: image, function, URL, edge functions, CloudFront, permissions.
 */
export function createStack(
  deps: InfraDeps,
  options: {
    name: string;
    identity: StackIdentity;
    projectRoot: string;
    settings: StackSettings;
    secrets: AppSecrets;
    table?: Aws.dynamodb.Table;
  },
) {
  const { aws } = deps;
  const { name, identity, projectRoot, settings } = options;
  const table = options.table ?? createRunsTable(aws, name, identity);
  const { imageUri } = createAppImage(deps, {
    name,
    identity,
    contextDir: projectRoot,
    architecture: settings.architecture,
  });
  const app = createAppFunction(deps, {
    name,
    identity,
    imageUri,
    table,
    settings,
    secrets: options.secrets,
  });
  // Lambda@Edge functions are created in us-east-1, whatever region the stack is in.
  const usEast1 = new aws.Provider(`${name}UsEast1`, { region: "us-east-1" });
  const edge = createEdgeFunctions(deps, {
    name,
    identity,
    usEast1,
    hasherSource: readFileSync(join(projectRoot, "edge/hasher.ts"), "utf8"),
    originalHostSource: readFileSync(join(projectRoot, "edge/original-host.js"), "utf8"),
  });
  const cdn = createCdn(deps, {
    name,
    identity,
    fn: app.fn,
    functionUrl: app.url.functionUrl,
    originalHostArn: edge.originalHost.arn,
    hasherVersionArn: edge.hasher.qualifiedArn,
    settings,
  });
  return { table, app, edge, cdn, usEast1 };
}
