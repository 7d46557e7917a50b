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
import { createSpendAlarm } from "./spend-alarm.ts";
import { createWebAcl } from "./waf.ts";

/**
 * The whole deployed stack: image, function, URL, edge functions, CloudFront, permissions, and
 * the optional guards the settings turn on (a WAF web ACL, a spend alarm).
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
  // Lambda@Edge functions, and WAF for CloudFront, are created in us-east-1 whatever the stack's region.
  const usEast1 = new aws.Provider(`${name}UsEast1`, { region: "us-east-1" });
  const edge = createEdgeFunctions(deps, {
    name,
    identity,
    usEast1,
    hasherSource: readFileSync(join(projectRoot, "edge/hasher.ts"), "utf8"),
    originalHostSource: readFileSync(join(projectRoot, "edge/original-host.js"), "utf8"),
  });
  const webAcl = settings.waf.enabled
    ? createWebAcl(aws, { name, identity, usEast1, waf: settings.waf })
    : undefined;
  const cdn = createCdn(deps, {
    name,
    identity,
    fn: app.fn,
    functionUrl: app.url.functionUrl,
    originalHostArn: edge.originalHost.arn,
    hasherVersionArn: edge.hasher.qualifiedArn,
    webAclArn: webAcl?.arn,
    settings,
  });
  const spendAlarm = settings.spendAlarm
    ? createSpendAlarm(aws, { name, identity, spendAlarm: settings.spendAlarm })
    : undefined;
  return { table, app, edge, cdn, usEast1, webAcl, spendAlarm };
}
