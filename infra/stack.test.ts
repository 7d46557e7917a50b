import { fileURLToPath } from "node:url";
import * as aws from "@pulumi/aws";
import * as dockerbuild from "@pulumi/docker-build";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import type { PolicyStatement } from "./model-access";
import { defaultSettings, type StackSettings } from "./settings";
import { createStack } from "./stack";
import {
  ACCOUNT,
  DISTRIBUTION_DOMAIN,
  FUNCTION_URL,
  installPulumiMocks,
  only,
  type RecordedResource,
  resolved,
  settle,
} from "./testing/pulumi-mocks";

const projectRoot = fileURLToPath(new URL("..", import.meta.url));
const settings: StackSettings = { ...defaultSettings, priceClass: "PriceClass_200" };
/** The longest stage the stack supports, in every character SST accepts in one. */
const identity = { app: "stepstream", stage: "Feature-ABC-1234-checkout-v2-with-a-long" };
const resources = installPulumiMocks();
let stack: ReturnType<typeof createStack>;

const statementsOf = (policy: RecordedResource) =>
  (JSON.parse(policy.inputs.policy as string) as { Statement: PolicyStatement[] }).Statement;
const LAMBDA = "aws:lambda/function:Function";

/** The resource options each resource was created with (the mocks see only inputs). */
const optionsByName = new Map<string, pulumi.CustomResourceOptions>();

/** The AWS SDK as the stack sees it, recording the options of every resource it constructs. */
function recordingOptions<T extends object>(module: T): T {
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
      return value !== null && typeof value === "object" ? recordingOptions(value) : value;
    },
  });
}

beforeAll(async () => {
  stack = createStack(
    { aws: recordingOptions(aws), pulumi, dockerbuild },
    { name: "Stepstream", identity, projectRoot, settings },
  );
  await resolved(stack.cdn.url);
  await settle(resources);
});

describe("the app function", () => {
  it("runs the pushed image digest on arm64, with the timeout above the run deadline", () => {
    const fn = only(resources, LAMBDA, "StepstreamFunction");
    const image = only(resources, "docker-build:index:Image");
    const repository = only(resources, "aws:ecr/repository:Repository");
    expect(fn.inputs).toMatchObject({
      packageType: "Image",
      imageUri: `${repository.state.repositoryUrl}@${image.state.digest}`,
      architectures: ["arm64"],
      memorySize: settings.memoryMb,
      timeout: settings.lambdaTimeoutSeconds,
    });
    expect(String(fn.inputs.imageUri)).toMatch(/\.dkr\.ecr\..+@sha256:[0-9a-f]{64}$/);
    expect(settings.lambdaTimeoutSeconds * 1000).toBeGreaterThan(settings.runDeadlineMs);
  });

  it("is configured by environment: LWA, model, heartbeat, deadline and the runs table", () => {
    const fn = only(resources, LAMBDA, "StepstreamFunction");
    const table = only(resources, "aws:dynamodb/table:Table");
    expect((fn.inputs.environment as { variables: Record<string, string> }).variables).toEqual({
      AWS_LWA_INVOKE_MODE: "response_stream",
      AWS_LWA_READINESS_CHECK_PATH: "/api/health",
      MODEL_PROVIDER: "bedrock",
      BEDROCK_MODEL_ID: settings.modelId,
      RUN_STORE: "dynamodb",
      RUNS_TABLE: table.state.name,
      HEARTBEAT_MS: String(settings.heartbeatMs),
      RUN_DEADLINE_MS: String(settings.runDeadlineMs),
    });
  });

  it("logs to its own group with a retention period", () => {
    const fn = only(resources, LAMBDA, "StepstreamFunction");
    const logs = only(resources, "aws:cloudwatch/logGroup:LogGroup");
    expect(logs.inputs.retentionInDays).toBe(settings.logRetentionDays);
    expect(fn.inputs.loggingConfig).toMatchObject({ logGroup: logs.state.name });
  });

  it("is built from the Dockerfile for the function's architecture and pushed to its own ECR repository", () => {
    const image = only(resources, "docker-build:index:Image");
    const repository = only(resources, "aws:ecr/repository:Repository");
    expect(image.inputs).toMatchObject({
      context: { location: projectRoot },
      dockerfile: { location: `${projectRoot}/Dockerfile` },
      platforms: ["linux/arm64"],
      push: true,
    });
    // The registry login holds the ECR token, so Pulumi keeps it as a secret (its secret signature).
    expect(image.inputs.registries).toEqual({
      "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
      value: [
        {
          address: `https://${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com`,
          username: "AWS",
          password: "ecr-token",
        },
      ],
    });
    expect(only(resources, "aws:ecr/lifecyclePolicy:LifecyclePolicy").inputs.repository).toBe(
      repository.state.name,
    );
  });

  it("has a Function URL that only signed (IAM) callers can invoke, streaming its responses", () => {
    const url = only(resources, "aws:lambda/functionUrl:FunctionUrl");
    expect(url.inputs).toEqual({
      functionName: only(resources, LAMBDA, "StepstreamFunction").state.name,
      authorizationType: "AWS_IAM",
      invokeMode: "RESPONSE_STREAM",
    });
  });
});

describe("the app function's role", () => {
  it("is assumed by Lambda only", () => {
    const role = only(resources, "aws:iam/role:Role", "StepstreamRole");
    expect(JSON.parse(role.inputs.assumeRolePolicy as string).Statement).toEqual([
      { Effect: "Allow", Principal: { Service: ["lambda.amazonaws.com"] }, Action: "sts:AssumeRole" },
    ]);
  });

  it("may invoke the configured inference profile and the models it routes to, nothing else in Bedrock", () => {
    const statements = statementsOf(only(resources, "aws:iam/rolePolicy:RolePolicy", "StepstreamPolicy"));
    const bedrock = statements.filter((s) => s.Action.some((action) => action.startsWith("bedrock:")));
    const profileArn = `arn:aws:bedrock:us-east-1:${ACCOUNT}:inference-profile/${settings.modelId}`;
    expect(bedrock).toEqual([
      expect.objectContaining({ Resource: [profileArn] }),
      expect.objectContaining({
        Resource: ["arn:aws:bedrock:*::foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0"],
        Condition: { StringEquals: { "bedrock:InferenceProfileArn": profileArn } },
      }),
    ]);
    for (const statement of bedrock) {
      expect(statement.Action).toEqual(["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"]);
    }
  });

  it("may use the runs table and its indexes only, and write its own logs", () => {
    const statements = statementsOf(only(resources, "aws:iam/rolePolicy:RolePolicy", "StepstreamPolicy"));
    const table = only(resources, "aws:dynamodb/table:Table");
    const logs = only(resources, "aws:cloudwatch/logGroup:LogGroup");
    const dynamo = statements.find((s) => s.Sid === "RunsTable");
    expect(dynamo?.Resource).toEqual([table.state.arn, `${table.state.arn}/index/*`]);
    // No DeleteItem: the store deletes only through BatchWriteItem. Query reads the owner index.
    expect(dynamo?.Action).toEqual([
      "dynamodb:GetItem",
      "dynamodb:PutItem",
      "dynamodb:UpdateItem",
      "dynamodb:Query",
      "dynamodb:BatchWriteItem",
    ]);
    expect(statements.find((s) => s.Sid === "WriteLogs")?.Resource).toEqual([`${logs.state.arn}:*`]);
    const everything = statements.flatMap((s) => [...s.Action, ...s.Resource]);
    expect(everything).not.toContain("*");
    expect(
      everything.filter((value) => value.endsWith(":*") && !value.startsWith(String(logs.state.arn))),
    ).toEqual([]);
  });
});

describe("the runs table", () => {
  it("is on demand, keyed for runs and their events, with TTL and an owner index projecting the listing only", () => {
    const table = only(resources, "aws:dynamodb/table:Table").inputs;
    expect(table).toMatchObject({
      billingMode: "PAY_PER_REQUEST",
      hashKey: "pk",
      rangeKey: "sk",
      ttl: { attributeName: "expiresAt", enabled: true },
    });
    expect(table.globalSecondaryIndexes).toEqual([
      {
        name: "byOwner",
        hashKey: "ownerPk",
        rangeKey: "ownerSk",
        projectionType: "INCLUDE",
        nonKeyAttributes: ["listing"],
      },
    ]);
    // DynamoDB defines exactly the attributes some key uses, no more.
    expect(table.attributes).toEqual([
      { name: "pk", type: "S" },
      { name: "sk", type: "S" },
      { name: "ownerPk", type: "S" },
      { name: "ownerSk", type: "S" },
    ]);
  });
});

describe("CloudFront", () => {
  const distribution = () => only(resources, "aws:cloudfront/distribution:Distribution");
  const defaultBehavior = () => distribution().inputs.defaultCacheBehavior as Record<string, unknown>;

  it("signs every origin request with an Origin Access Control for Lambda", () => {
    const oac = only(resources, "aws:cloudfront/originAccessControl:OriginAccessControl");
    expect(oac.inputs).toMatchObject({
      originAccessControlOriginType: "lambda",
      signingBehavior: "always",
      signingProtocol: "sigv4",
    });
    const [origin] = distribution().inputs.origins as Record<string, unknown>[];
    expect(origin).toMatchObject({
      domainName: new URL(FUNCTION_URL).host,
      originAccessControlId: oac.id,
      customOriginConfig: { originProtocolPolicy: "https-only", originSslProtocols: ["TLSv1.2"] },
    });
  });

  it("waits for the origin longer than the app's heartbeat interval, and sets no total response limit", () => {
    const [origin] = distribution().inputs.origins as { customOriginConfig: Record<string, number> }[];
    const readTimeout = origin?.customOriginConfig.originReadTimeout ?? 0;
    expect(readTimeout * 1000).toBeGreaterThan(settings.heartbeatMs * 2);
    expect(readTimeout).toBeLessThanOrEqual(60);
    expect(origin?.customOriginConfig.responseCompletionTimeout).toBeUndefined();
  });

  it("never caches the app, and forwards everything it needs except Host", () => {
    expect(defaultBehavior()).toMatchObject({
      cachePolicyId: "4135ea2d-6df8-44a3-9df3-4b5a84be39ad", // Managed-CachingDisabled
      originRequestPolicyId: "b689b0a8-53d0-40ab-baf2-68738e2966ac", // Managed-AllViewerExceptHostHeader
      allowedMethods: expect.arrayContaining(["GET", "POST", "OPTIONS"]),
      viewerProtocolPolicy: "redirect-to-https",
      compress: false,
    });
    expect(defaultBehavior().forwardedValues).toBeUndefined();
  });

  it("caches the content-hashed build assets for as long as they say", () => {
    expect(distribution().inputs.orderedCacheBehaviors).toEqual([
      expect.objectContaining({
        pathPattern: "/_next/static/*",
        cachePolicyId: "658327ea-f89d-4fab-a63d-7e88639e58f6", // Managed-CachingOptimized
        allowedMethods: ["GET", "HEAD"],
      }),
    ]);
  });

  it("sets X-Original-Host at viewer request and hashes bodies at origin request, with the body", () => {
    const hostFunction = only(resources, "aws:cloudfront/function:Function");
    const hasher = only(resources, LAMBDA, "EdgeHasher");
    expect(defaultBehavior().functionAssociations).toEqual([
      { eventType: "viewer-request", functionArn: hostFunction.state.arn },
    ]);
    expect(defaultBehavior().lambdaFunctionAssociations).toEqual([
      { eventType: "origin-request", lambdaArn: hasher.state.qualifiedArn, includeBody: true },
    ]);
    expect(String(hasher.state.qualifiedArn)).toMatch(/:\d+$/);
  });

  it("speaks HTTP/2 and HTTP/3 and uses the configured price class", () => {
    expect(distribution().inputs).toMatchObject({
      httpVersion: "http2and3",
      priceClass: "PriceClass_200",
      enabled: true,
    });
  });

  it("grants CloudFront, for this distribution only, both permissions a Function URL needs", () => {
    const fnName = only(resources, LAMBDA, "StepstreamFunction").state.name;
    const permissions = resources
      .filter((r) => r.type === "aws:lambda/permission:Permission")
      .map((r) => r.inputs);
    const arn = distribution().state.arn;
    expect(permissions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          action: "lambda:InvokeFunctionUrl",
          function: fnName,
          principal: "cloudfront.amazonaws.com",
          sourceArn: arn,
          functionUrlAuthType: "AWS_IAM",
        }),
        expect.objectContaining({
          action: "lambda:InvokeFunction",
          function: fnName,
          principal: "cloudfront.amazonaws.com",
          sourceArn: arn,
          invokedViaFunctionUrl: true,
        }),
      ]),
    );
    expect(permissions).toHaveLength(2);
  });

  it("outputs the CloudFront URL", async () => {
    expect(await resolved(stack.cdn.url)).toBe(`https://${DISTRIBUTION_DOMAIN}`);
  });
});

describe("the edge functions", () => {
  it("deploys the X-Original-Host function from edge/original-host.js on cloudfront-js-2.0", async () => {
    const source = await import("node:fs").then((fs) =>
      fs.readFileSync(`${projectRoot}/edge/original-host.js`, "utf8"),
    );
    expect(only(resources, "aws:cloudfront/function:Function").inputs).toMatchObject({
      runtime: "cloudfront-js-2.0",
      code: source,
      publish: true,
    });
  });

  it("deploys the edge hasher in us-east-1 as a published Node 24 version, with no environment", () => {
    const provider = only(resources, "pulumi:providers:aws", "UsEast1");
    const hasher = only(resources, LAMBDA, "EdgeHasher");
    expect(provider.inputs.region).toBe("us-east-1");
    // A provider reference is `<the provider's URN>::<its id>`.
    expect(hasher.provider).toMatch(new RegExp(`::pulumi:providers:aws::StepstreamUsEast1::${provider.id}$`));
    expect(only(resources, LAMBDA, "StepstreamFunction").provider ?? "").not.toContain("UsEast1");
    expect(hasher.inputs).toMatchObject({
      runtime: "nodejs24.x",
      handler: "index.handler",
      publish: true,
      architectures: ["x86_64"],
    });
    expect(hasher.inputs.environment).toBeUndefined();
  });

  it("retains the edge hasher on delete, so one `sst remove` succeeds while CloudFront lets go of its replicas", () => {
    const retained = [...optionsByName]
      .filter(([, options]) => options?.retainOnDelete)
      .map(([name]) => name);
    expect(retained).toEqual(["StepstreamEdgeHasher"]);
    expect(optionsByName.get("StepstreamEdgeHasher")?.ignoreChanges).toEqual(["name"]);
  });

  it("gives the edge hasher a role Lambda and Lambda@Edge may both assume, in us-east-1", () => {
    const role = only(resources, "aws:iam/role:Role", "EdgeHasherRole");
    expect(JSON.parse(role.inputs.assumeRolePolicy as string).Statement[0].Principal.Service).toEqual([
      "lambda.amazonaws.com",
      "edgelambda.amazonaws.com",
    ]);
    expect(role.provider).toContain("StepstreamUsEast1");
    expect(only(resources, LAMBDA, "EdgeHasher").inputs.role).toBe(role.state.arn);
  });

  it("lets the edge hasher write only its own log groups, in any region of this account", () => {
    const policy = only(resources, "aws:iam/rolePolicy:RolePolicy", "EdgeHasherLogs");
    const hasher = only(resources, LAMBDA, "EdgeHasher");
    const group = `arn:aws:logs:*:${ACCOUNT}:log-group:/aws/lambda/us-east-1.${hasher.state.name}`;
    expect(JSON.parse(policy.inputs.policy as string)).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Action: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
          Resource: [group, `${group}:*`],
        },
      ],
    });
    expect(policy.provider).toContain("StepstreamUsEast1");
    expect(policy.inputs.role).toBe(only(resources, "aws:iam/role:Role", "EdgeHasherRole").id);
  });
});
