import { beforeAll, describe, expect, it } from "vitest";
import { NAME_SHAPES, type NameKind, physicalName } from "./naming";
import { defaultSettings, type StackSettings } from "./settings";
import { AWS_NAME_RULES, nameProblem, UNNAMED_TYPES, WAF_METRIC_NAME_RULE } from "./testing/aws-name-rules";
import { only, providerName } from "./testing/pulumi-mocks";
import { buildTestStack, LONG_STAGE, type TestStack } from "./testing/test-stack";

/** Every optional guard on, so every kind of resource the stack can create is named here. */
const settings: StackSettings = {
  ...defaultSettings,
  waf: { enabled: true, runLimit: 100 },
  spendAlarm: { email: "team@example.com", monthlyUsd: 100, services: ["Amazon Bedrock"] },
};
let resources: TestStack["resources"];

beforeAll(async () => {
  ({ resources } = await buildTestStack(settings, LONG_STAGE));
});

describe("every physical name in the stack, for a 40-character stage", () => {
  it("is one AWS accepts, by the rule of its resource type", () => {
    expect(LONG_STAGE).toHaveLength(40);
    const problems: string[] = [];
    for (const resource of resources) {
      if (UNNAMED_TYPES.has(resource.type)) continue;
      const rule = AWS_NAME_RULES[resource.type];
      if (!rule) {
        problems.push(`${resource.name}: no AWS naming rule recorded for ${resource.type}; add it`);
        continue;
      }
      const problem = nameProblem(resource.state[rule.property], rule);
      if (problem) problems.push(`${resource.name} (${resource.type}): ${problem}`);
    }
    expect(problems).toEqual([]);
    expect(resources.length).toBeGreaterThan(15);
  });

  it("names the WAF rule and its metrics as AWS WAF accepts", () => {
    const webAcl = only(resources, "aws:wafv2/webAcl:WebAcl").inputs as {
      visibilityConfig: { metricName: string };
      rules: { name: string; visibilityConfig: { metricName: string } }[];
    };
    const ruleNames = AWS_NAME_RULES["aws:wafv2/webAcl:WebAcl"];
    const problems = [
      ...webAcl.rules.map((rule) => ruleNames && nameProblem(rule.name, ruleNames)),
      ...[webAcl.visibilityConfig, ...webAcl.rules.map((rule) => rule.visibilityConfig)].map((config) =>
        nameProblem(config.metricName, WAF_METRIC_NAME_RULE),
      ),
    ];
    expect(problems.filter(Boolean)).toEqual([]);
    expect(webAcl.rules).toHaveLength(1);
  });

  it("names the app and the stage, so a person can tell whose resource it is", () => {
    const repository = resources.find((r) => r.type === "aws:ecr/repository:Repository");
    expect(repository?.state.name).toMatch(
      /^stepstream-feature-abc-1234-checkout-v2-with-a-long-app-[a-z0-9]{8}$/,
    );
    const table = resources.find((r) => r.type === "aws:dynamodb/table:Table");
    expect(table?.state.name).toMatch(new RegExp(`^stepstream-${LONG_STAGE}-Runs-[a-z0-9]{8}$`));
    const hasher = resources.find((r) => r.name === "StepstreamEdgeHasher");
    expect(hasher?.state.name).toMatch(/-EdgeHasher-[a-z0-9]{8}$/);
    expect(String(hasher?.state.name)).toContain("Feature-ABC");
  });

  it("keeps Lambda@Edge's regional log groups within CloudWatch's rules", () => {
    const hasher = resources.find((r) => r.name === "StepstreamEdgeHasher");
    const logs = AWS_NAME_RULES["aws:cloudwatch/logGroup:LogGroup"];
    expect(logs && nameProblem(`/aws/lambda/us-east-1.${hasher?.state.name}`, logs)).toBeUndefined();
  });
});

describe("physicalName", () => {
  const ruleFor: Record<NameKind, string> = {
    ecrRepository: "aws:ecr/repository:Repository",
    iamRole: "aws:iam/role:Role",
    iamRolePolicy: "aws:iam/rolePolicy:RolePolicy",
    lambdaFunction: "aws:lambda/function:Function",
    cloudfrontFunction: "aws:cloudfront/function:Function",
    originAccessControl: "aws:cloudfront/originAccessControl:OriginAccessControl",
    dynamodbTable: "aws:dynamodb/table:Table",
    responseHeadersPolicy: "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy",
    wafWebAcl: "aws:wafv2/webAcl:WebAcl",
    budget: "aws:budgets/budget:Budget",
  };
  const stages = ["a", "prod", "X", "-leading", "trailing-", "double--hyphen", "UPPER", "9lives", LONG_STAGE];
  const random = (seed: number) => {
    let state = seed;
    const chars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-";
    return Array.from({ length: 1 + (seed % 40) }, () => {
      state = (state * 1103515245 + 12345) % 2 ** 31;
      return chars[state % chars.length];
    }).join("");
  };
  for (let seed = 1; seed <= 200; seed++) stages.push(random(seed));

  it("gives every kind a valid name for every stage SST accepts, up to 40 characters", () => {
    const problems: string[] = [];
    for (const kind of Object.keys(NAME_SHAPES) as NameKind[]) {
      const rule = AWS_NAME_RULES[ruleFor[kind]];
      if (!rule) throw new Error(`no rule for ${kind}`);
      for (const stage of stages) {
        for (const own of ["App", "EdgeHasherRole", "OriginalHost"]) {
          const problem = nameProblem(physicalName({ app: "stepstream", stage }, kind, own), rule);
          if (problem) problems.push(`${kind} / stage "${stage}": ${problem}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it("cuts the app and stage, never the resource's own name, and keeps the random part", () => {
    const name = physicalName(
      { app: "stepstream", stage: LONG_STAGE },
      "iamRole",
      "EdgeHasherRole",
      "abcdefgh",
    );
    expect(name.length).toBeLessThanOrEqual(64);
    expect(name.length).toBeGreaterThan(60);
    expect(name).toMatch(/^stepstream-Feature-.*-EdgeHasherRole-abcdefgh$/);
    expect(physicalName({ app: "stepstream", stage: "dev" }, "iamRole", "AppRole", "abcdefgh")).toBe(
      "stepstream-dev-AppRole-abcdefgh",
    );
    expect(
      physicalName({ app: "stepstream", stage: "-My--Stage-" }, "ecrRepository", "app", "abcdefgh"),
    ).toBe("stepstream-my-stage-app-abcdefgh");
  });
});

describe("the mocks name resources as the AWS provider does", () => {
  it("uses a given name exactly as given, uppercase included", () => {
    expect(providerName("aws:ecr/repository:Repository", "Repo", { name: "Given-Name" })).toBe("Given-Name");
  });

  it("names an unnamed resource <logical name>-<7 hex>, without lowercasing", () => {
    expect(providerName("aws:ecr/repository:Repository", "StepstreamRepository", {})).toMatch(
      /^StepstreamRepository-[0-9a-f]{7}$/,
    );
    expect(providerName("aws:lambda/permission:Permission", "Invoke", {})).toMatch(/^Invoke-[0-9a-f]{7}$/);
  });

  it("refuses a logical name too long to autoname, as the provider does at preview", () => {
    expect(() => providerName("aws:iam/role:Role", "R".repeat(57), {})).toThrow(
      /longer than maximum length 64/,
    );
  });

  it("would have caught the ECR name AWS refused", () => {
    const rule = AWS_NAME_RULES["aws:ecr/repository:Repository"];
    const autonamed = providerName("aws:ecr/repository:Repository", "StepstreamRepository", {});
    expect(rule && nameProblem(autonamed, rule)).toMatch(/does not match/);
  });
});
