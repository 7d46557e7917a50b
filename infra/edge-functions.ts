import type * as Aws from "@pulumi/aws";
import ts from "typescript";
import { trustPolicy } from "./app-policy.ts";
import type { InfraDeps } from "./deps.ts";
import { KEEP_NAME, physicalName, type StackIdentity } from "./naming.ts";

/**
 * The edge hasher as Lambda runs it: `edge/hasher.ts` compiled to one ES module. It imports only
 * Node built-ins, so compiling is all the bundling it needs.
 */
export function compileEdgeHasher(source: string): string {
  const { outputText, diagnostics } = ts.transpileModule(source, {
    fileName: "hasher.ts",
    reportDiagnostics: true,
    compilerOptions: {
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2023,
      verbatimModuleSyntax: false,
      isolatedModules: true,
    },
  });
  if (diagnostics?.length) {
    throw new Error(
      `edge/hasher.ts does not compile: ${ts.flattenDiagnosticMessageText(diagnostics[0]?.messageText ?? "", "\n")}`,
    );
  }
  return outputText;
}

/** What Lambda needs to write a function's logs: create its group, its streams, and put events. */
export const LOG_WRITE_ACTIONS = ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"];

/**
 * Lambda@Edge writes to /aws/lambda/us-east-1.<name> in the region of each edge location that ran
 * it, so any region, but only this account and only that group: the group itself (which
 * CreateLogGroup acts on) and its streams (`:*`).
 */
export function edgeLogsPolicy(accountId: string, functionName: string) {
  const group = `arn:aws:logs:*:${accountId}:log-group:/aws/lambda/us-east-1.${functionName}`;
  return {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: LOG_WRITE_ACTIONS, Resource: [group, `${group}:*`] }],
  };
}

export interface EdgeFunctions {
  originalHost: Aws.cloudfront.Function;
  hasher: Aws.lambda.Function;
}

/**
 * The CloudFront Function that copies Host into X-Original-Host, and the Lambda@Edge edge hasher.
 * Lambda@Edge functions must live in us-east-1 (hence the provider), be published versions, run
 * on x86_64 with no environment, and trust edgelambda.amazonaws.com as well as Lambda.
 *
 * The hasher is retained on delete: AWS refuses to delete a Lambda@Edge function until CloudFront
 * has removed its replicas, which happens only some time (up to hours) after the distribution is
 * gone, so deleting it with the stack would fail `sst remove`. It is left behind, unused, under
 * its stack-named name (README: "Teardown").
 */
export function createEdgeFunctions(
  { aws, pulumi }: InfraDeps,
  options: {
    name: string;
    identity: StackIdentity;
    usEast1: Aws.Provider;
    hasherSource: string;
    originalHostSource: string;
  },
): EdgeFunctions {
  const { name, identity, usEast1 } = options;
  const originalHost = new aws.cloudfront.Function(
    `${name}OriginalHost`,
    {
      name: physicalName(identity, "cloudfrontFunction", "OriginalHost"),
      runtime: "cloudfront-js-2.0",
      comment: "Copies Host into X-Original-Host, overwriting any client value",
      code: options.originalHostSource,
      publish: true,
    },
    KEEP_NAME,
  );
  const hasherName = physicalName(identity, "lambdaFunction", "EdgeHasher");
  const role = new aws.iam.Role(
    `${name}EdgeHasherRole`,
    {
      name: physicalName(identity, "iamRole", "EdgeHasherRole"),
      assumeRolePolicy: trustPolicy("lambda.amazonaws.com", "edgelambda.amazonaws.com"),
    },
    { provider: usEast1, ...KEEP_NAME },
  );
  const accountId = aws.getCallerIdentityOutput({}, { provider: usEast1 }).accountId;
  new aws.iam.RolePolicy(
    `${name}EdgeHasherLogs`,
    {
      name: physicalName(identity, "iamRolePolicy", "EdgeHasherLogs"),
      role: role.id,
      policy: accountId.apply((account) => JSON.stringify(edgeLogsPolicy(account, hasherName))),
    },
    { provider: usEast1, ...KEEP_NAME },
  );
  const hasher = new aws.lambda.Function(
    `${name}EdgeHasher`,
    {
      name: hasherName,
      runtime: "nodejs24.x",
      handler: "index.handler",
      code: new pulumi.asset.AssetArchive({
        "index.mjs": new pulumi.asset.StringAsset(compileEdgeHasher(options.hasherSource)),
      }),
      role: role.arn,
      publish: true,
      architectures: ["x86_64"],
      memorySize: 128,
      timeout: 5,
    },
    { provider: usEast1, retainOnDelete: true, ...KEEP_NAME },
  );
  return { originalHost, hasher };
}
