import { beforeAll, describe, expect, it } from "vitest";
import { HSTS_MAX_AGE_SECONDS, SECURITY_HEADERS } from "../lib/http/security-headers";
import { defaultSettings, type StackSettings } from "./settings";
import { ACCOUNT, DISTRIBUTION_DOMAIN, FUNCTION_URL, only, resolved } from "./testing/pulumi-mocks";
import { buildTestStack, projectRoot, type TestStack } from "./testing/test-stack";

/** The stack with default settings: CloudFront in front of the Function URL, and the edge functions. */
const settings: StackSettings = { ...defaultSettings, priceClass: "PriceClass_200" };
let resources: TestStack["resources"];
let stack: TestStack["stack"];
let optionsByName: TestStack["optionsByName"];

beforeAll(async () => {
  ({ resources, stack, optionsByName } = await buildTestStack(settings));
});

const LAMBDA = "aws:lambda/function:Function";

interface CloudFrontSecurityHeaders {
  strictTransportSecurity: { accessControlMaxAgeSec: number; includeSubdomains?: boolean; preload?: boolean };
  contentSecurityPolicy: { contentSecurityPolicy: string };
  contentTypeOptions: Record<string, unknown>;
  referrerPolicy: { referrerPolicy: string };
  frameOptions: { frameOption: string };
}

/** The headers CloudFront sends for a policy's security settings, as its developer guide describes them. */
function asSentByCloudFront(config: CloudFrontSecurityHeaders): Record<string, string> {
  const hsts = config.strictTransportSecurity;
  return {
    "Strict-Transport-Security": [
      `max-age=${hsts.accessControlMaxAgeSec}`,
      ...(hsts.includeSubdomains ? ["includeSubDomains"] : []),
      ...(hsts.preload ? ["preload"] : []),
    ].join("; "),
    "Content-Security-Policy": config.contentSecurityPolicy.contentSecurityPolicy,
    ...(config.contentTypeOptions ? { "X-Content-Type-Options": "nosniff" } : {}),
    "Referrer-Policy": config.referrerPolicy.referrerPolicy,
    "X-Frame-Options": config.frameOptions.frameOption,
  };
}

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

  it("never caches the app, and forwards every viewer header but Host, every cookie and query string", () => {
    // Managed-AllViewerExceptHostHeader is headers `allExcept` [host], cookies `all`, query strings
    // `all`: X-Original-Host (a viewer header once the CloudFront Function set it) and the session
    // cookie reach the app; CloudFront's own headers (CloudFront-Viewer-Address) do not.
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

  it("adds the app's security headers, overriding the origin's, to the responses of every cache behavior", () => {
    const policy = only(resources, "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy");
    const behaviors = [
      defaultBehavior(),
      ...(distribution().inputs.orderedCacheBehaviors as Record<string, unknown>[]),
    ];
    expect(behaviors.map((behavior) => behavior.responseHeadersPolicyId)).toEqual([policy.id, policy.id]);
    const config = policy.inputs.securityHeadersConfig as CloudFrontSecurityHeaders;
    expect(Object.values(config).every((header) => header.override === true)).toBe(true);
    expect(config.strictTransportSecurity).toMatchObject({
      accessControlMaxAgeSec: HSTS_MAX_AGE_SECONDS,
      includeSubdomains: true,
    });
    expect(config.frameOptions.frameOption).toBe("DENY");
    expect(config.contentSecurityPolicy.contentSecurityPolicy).toContain("frame-ancestors 'none'");
    expect(asSentByCloudFront(config)).toEqual(SECURITY_HEADERS);
    expect(policy.inputs.customHeadersConfig).toBeUndefined();
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
    const group = `arn:aws:logs:*:${ACCOUNT}:log-group:/aws/lambda/us-east-1.${only(resources, LAMBDA, "EdgeHasher").state.name}`;
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
