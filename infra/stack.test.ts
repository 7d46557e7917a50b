import { beforeAll, describe, expect, it } from "vitest";
import type { PolicyStatement } from "./model-access";
import { defaultSettings, type StackSettings } from "./settings";
import { ACCOUNT, asSecret, only, type RecordedResource } from "./testing/pulumi-mocks";
import { AUTH_SECRET, buildTestStack, projectRoot, type TestStack } from "./testing/test-stack";

/** The stack with default settings: its app function, the function's role, the runs table. */
const settings: StackSettings = { ...defaultSettings, priceClass: "PriceClass_200" };
let resources: TestStack["resources"];

beforeAll(async () => {
  ({ resources } = await buildTestStack(settings));
});

const statementsOf = (policy: RecordedResource) =>
  (JSON.parse(policy.inputs.policy as string) as { Statement: PolicyStatement[] }).Statement;
const LAMBDA = "aws:lambda/function:Function";

describe("the app function", () => {
  it("runs the pushed image digest on arm64, with the timeout above the run deadline and 50 executions reserved", () => {
    const fn = only(resources, LAMBDA, "StepstreamFunction");
    const image = only(resources, "docker-build:index:Image");
    const repository = only(resources, "aws:ecr/repository:Repository");
    expect(fn.inputs).toMatchObject({
      packageType: "Image",
      imageUri: `${repository.state.repositoryUrl}@${image.state.digest}`,
      architectures: ["arm64"],
      memorySize: settings.memoryMb,
      timeout: settings.lambdaTimeoutSeconds,
      reservedConcurrentExecutions: 50,
    });
    expect(String(fn.inputs.imageUri)).toMatch(/\.dkr\.ecr\..+@sha256:[0-9a-f]{64}$/);
    expect(settings.lambdaTimeoutSeconds * 1000).toBeGreaterThan(settings.runDeadlineMs);
  });

  it("is configured by environment: LWA, model, heartbeat, deadline, the runs table, CloudFront, its session secret", () => {
    const fn = only(resources, LAMBDA, "StepstreamFunction");
    const table = only(resources, "aws:dynamodb/table:Table");
    // The session secret makes the whole environment input a Pulumi secret (secrecy is per input).
    expect(fn.inputs.environment).toEqual(
      asSecret({
        variables: {
          AWS_LWA_INVOKE_MODE: "response_stream",
          AWS_LWA_READINESS_CHECK_PATH: "/api/health",
          MODEL_PROVIDER: "bedrock",
          BEDROCK_MODEL_ID: settings.modelId,
          RUN_STORE: "dynamodb",
          RUNS_TABLE: table.state.name,
          HEARTBEAT_MS: String(settings.heartbeatMs),
          RUN_DEADLINE_MS: String(settings.runDeadlineMs),
          BEHIND_CLOUDFRONT: "true",
          ALLOWED_HOSTS: "",
          AUTH_SECRET,
        },
      }),
    );
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

describe("the optional guards, by default", () => {
  it("create no WAF web ACL and attach none, and no budget", () => {
    const types = resources.map((r) => r.type);
    expect(types).not.toContain("aws:wafv2/webAcl:WebAcl");
    expect(types).not.toContain("aws:budgets/budget:Budget");
    expect(only(resources, "aws:cloudfront/distribution:Distribution").inputs.webAclId).toBeUndefined();
  });
});
