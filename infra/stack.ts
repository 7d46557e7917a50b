import { readFileSync } from "node:fs";
import { join } from "node:path";
import type * as Aws from "@pulumi/aws";
import { createAppFunction, createAppImage } from "./app-function.ts";
import { createCdn } from "./cdn.ts";
import type { InfraDeps } from "./deps.ts";
import { createEdgeFunctions } from "./edge-functions.ts";
import { createRunsTable } from "./runs-table.ts";
import type { StackSettings } from "./settings.ts";

/** The whole deployed stack: image, function, URL, edge functions, CloudFront, permissions. */
export function createStack(
  deps: InfraDeps,
  options: { name: string; projectRoot: string; settings: StackSettings; table?: Aws.dynamodb.Table },
) {
  const { aws } = deps;
  const { name, projectRoot, settings } = options;
  const table = options.table ?? createRunsTable(aws, name);
  const { imageUri } = createAppImage(deps, {
    name,
    contextDir: projectRoot,
    architecture: settings.architecture,
  });
  const app = createAppFunction(deps, { name, imageUri, table, settings });
  // Lambda@Edge functions are created in us-east-1, whatever region the stack is in.
  const usEast1 = new aws.Provider(`${name}UsEast1`, { region: "us-east-1" });
  const edge = createEdgeFunctions(deps, {
    name,
    usEast1,
    hasherSource: readFileSync(join(projectRoot, "edge/hasher.ts"), "utf8"),
    originalHostSource: readFileSync(join(projectRoot, "edge/original-host.js"), "utf8"),
  });
  const cdn = createCdn(deps, {
    name,
    fn: app.fn,
    functionUrl: app.url.functionUrl,
    originalHostArn: edge.originalHost.arn,
    hasherVersionArn: edge.hasher.qualifiedArn,
    settings,
  });
  return { table, app, edge, cdn, usEast1 };
}
