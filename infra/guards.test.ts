import { beforeAll, describe, expect, it } from "vitest";
import { settingsFromEnv } from "./settings";
import { ACCOUNT, asSecret, only } from "./testing/pulumi-mocks";
import { AUTH_SECRET, buildTestStack, OIDC_CLIENT_SECRET, type TestStack } from "./testing/test-stack";

/**
 * The stack as a public deploy would set it up from the deploying shell: the WAF and the spend
 * alarm on, no reserved concurrency, a custom domain, OIDC sign-in required, and the app's limits.
 */
/** The app's limits, 0 (off) among them, as the deploying shell sets them and the app reads them. */
const LIMITS = {
  VISITOR_RUNS_PER_DAY: "10",
  VISITOR_TOKENS_PER_DAY: "0",
  VISITOR_CONCURRENT_RUNS: "1",
  CLIENT_RUNS_PER_DAY: "40",
  DAILY_TOKEN_LIMIT: "2000000",
};
const settings = settingsFromEnv({
  STEPSTREAM_WAF: "true",
  STEPSTREAM_WAF_RUN_LIMIT: "60",
  STEPSTREAM_ALARM_EMAIL: "team@example.com",
  STEPSTREAM_MONTHLY_BUDGET_USD: "250",
  STEPSTREAM_RESERVED_CONCURRENCY: "0",
  STEPSTREAM_DOMAIN: "steps.example.com",
  STEPSTREAM_CERTIFICATE_ARN: "arn:aws:acm:us-east-1:123456789012:certificate/abc",
  AUTH_OIDC_ISSUER: "https://accounts.example.com",
  AUTH_OIDC_CLIENT_ID: "stepstream-web",
  AUTH_REQUIRED: "true",
  ...LIMITS,
});
let resources: TestStack["resources"];

beforeAll(async () => {
  ({ resources } = await buildTestStack(settings, "prod"));
});

const exactly = (fieldToMatch: object, searchString: string, type: string) => ({
  byteMatchStatement: {
    fieldToMatch,
    positionalConstraint: "EXACTLY",
    searchString,
    textTransformations: [{ priority: 0, type }],
  },
});
const metrics = (metricName: string) => ({
  cloudwatchMetricsEnabled: true,
  sampledRequestsEnabled: true,
  metricName,
});

describe("the WAF web ACL, when STEPSTREAM_WAF=true", () => {
  it("is a CloudFront-scoped ACL in us-east-1 that allows by default and blocks an address starting too many runs", () => {
    const webAcl = only(resources, "aws:wafv2/webAcl:WebAcl");
    expect(webAcl.provider).toContain("StepstreamUsEast1");
    expect(webAcl.inputs).toMatchObject({ scope: "CLOUDFRONT", defaultAction: { allow: {} } });
    expect(webAcl.inputs.visibilityConfig).toEqual(metrics("StepstreamWebAcl"));
    expect(webAcl.inputs.rules).toEqual([
      {
        name: "RunStartsPerAddress",
        priority: 0,
        action: { block: {} },
        statement: {
          rateBasedStatement: {
            limit: 60,
            evaluationWindowSec: 300,
            aggregateKeyType: "IP",
            scopeDownStatement: {
              andStatement: {
                statements: [
                  exactly({ method: {} }, "POST", "NONE"),
                  exactly({ uriPath: {} }, "/api/runs", "URL_DECODE"),
                ],
              },
            },
          },
        },
        visibilityConfig: metrics("StepstreamRunStarts"),
      },
    ]);
  });

  it("is attached to the distribution by its ARN", () => {
    const webAcl = only(resources, "aws:wafv2/webAcl:WebAcl");
    const distribution = only(resources, "aws:cloudfront/distribution:Distribution");
    expect(distribution.inputs.webAclId).toBe(webAcl.state.arn);
    expect(String(webAcl.state.arn)).toMatch(
      new RegExp(`^arn:aws:wafv2:us-east-1:${ACCOUNT}:global/webacl/`),
    );
  });
});

describe("the spend alarm, when STEPSTREAM_ALARM_EMAIL is set", () => {
  it("is a monthly cost budget on the model's Bedrock services that emails at 80 % spent and 100 % forecast", () => {
    const budget = only(resources, "aws:budgets/budget:Budget");
    expect(budget.inputs).toEqual({
      name: expect.stringMatching(/^stepstream-prod-BedrockSpend-[a-z0-9]{8}$/),
      budgetType: "COST",
      timeUnit: "MONTHLY",
      limitAmount: "250",
      limitUnit: "USD",
      costFilters: [
        { name: "Service", values: ["Amazon Bedrock", "Claude Haiku 4.5 (Amazon Bedrock Edition)"] },
      ],
      notifications: [
        {
          threshold: 80,
          notificationType: "ACTUAL",
          comparisonOperator: "GREATER_THAN",
          thresholdType: "PERCENTAGE",
          subscriberEmailAddresses: ["team@example.com"],
        },
        {
          threshold: 100,
          notificationType: "FORECASTED",
          comparisonOperator: "GREATER_THAN",
          thresholdType: "PERCENTAGE",
          subscriberEmailAddresses: ["team@example.com"],
        },
      ],
    });
  });
});

describe("the app function of a public deploy", () => {
  const fn = () => only(resources, "aws:lambda/function:Function", "StepstreamFunction");

  it("reserves no concurrency when STEPSTREAM_RESERVED_CONCURRENCY=0 (-1, not 0, which would stop it)", () => {
    expect(fn().inputs.reservedConcurrentExecutions).toBe(-1);
  });

  it("answers for the custom domain, signs in through OIDC with its client secret, and gets the app's limits", () => {
    const environment = fn().inputs.environment as { value: { variables: Record<string, string> } };
    expect(environment).toEqual(asSecret(expect.anything()));
    expect(environment.value.variables).toMatchObject({
      BEHIND_CLOUDFRONT: "true",
      ALLOWED_HOSTS: "steps.example.com",
      AUTH_SECRET,
      AUTH_OIDC_ISSUER: "https://accounts.example.com",
      AUTH_OIDC_CLIENT_ID: "stepstream-web",
      AUTH_OIDC_CLIENT_SECRET: OIDC_CLIENT_SECRET,
      AUTH_REQUIRED: "true",
      ...LIMITS,
    });
    expect(Object.keys(environment.value.variables)).toHaveLength(20);
  });
});
