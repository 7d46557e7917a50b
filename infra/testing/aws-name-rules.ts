/**
 * AWS's own rules for the names the stack gives (or lets the provider give) its resources,
 * transcribed from each API reference, independently of infra/naming.ts: the tests hold the
 * names to these, as AWS would at `sst deploy`.
 */
export interface AwsNameRule {
  /** The resource's physical-name property in the Pulumi AWS provider. */
  property: string;
  minLength: number;
  maxLength: number;
  pattern: RegExp;
  source: string;
}

export const AWS_NAME_RULES: Record<string, AwsNameRule> = {
  // "(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*", length 2–256: lowercase,
  // no separator at either end or next to another.
  "aws:ecr/repository:Repository": {
    property: "name",
    minLength: 2,
    maxLength: 256,
    pattern: /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/,
    source: "https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreateRepository.html",
  },
  // RoleName: "[\w+=,.@-]+", length 1–64.
  "aws:iam/role:Role": {
    property: "name",
    minLength: 1,
    maxLength: 64,
    pattern: /^[\w+=,.@-]+$/,
    source: "https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html",
  },
  // PolicyName: "[\w+=,.@-]+", length 1–128.
  "aws:iam/rolePolicy:RolePolicy": {
    property: "name",
    minLength: 1,
    maxLength: 128,
    pattern: /^[\w+=,.@-]+$/,
    source: "https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutRolePolicy.html",
  },
  // FunctionName: a plain name "is limited to 64 characters", of letters, digits, "-" and "_".
  // The same holds for Lambda@Edge, whose logs go to /aws/lambda/us-east-1.<name> in each region.
  "aws:lambda/function:Function": {
    property: "name",
    minLength: 1,
    maxLength: 64,
    pattern: /^[a-zA-Z0-9_-]+$/,
    source: "https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html",
  },
  // StatementId: "([a-zA-Z0-9-_]+)", length 1–100.
  "aws:lambda/permission:Permission": {
    property: "statementId",
    minLength: 1,
    maxLength: 100,
    pattern: /^[a-zA-Z0-9_-]+$/,
    source: "https://docs.aws.amazon.com/lambda/latest/api/API_AddPermission.html",
  },
  // Name: "^[a-zA-Z0-9-_]{1,64}$".
  "aws:cloudfront/function:Function": {
    property: "name",
    minLength: 1,
    maxLength: 64,
    pattern: /^[a-zA-Z0-9_-]{1,64}$/,
    source: "https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_CreateFunction.html",
  },
  // Name: "You can specify up to 64 characters" (no pattern documented).
  "aws:cloudfront/originAccessControl:OriginAccessControl": {
    property: "name",
    minLength: 1,
    maxLength: 64,
    pattern: /^\S.*$/,
    source: "https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_OriginAccessControlConfig.html",
  },
  // Table names: 3–255 characters of a-z, A-Z, 0-9, "_", "-" and ".".
  "aws:dynamodb/table:Table": {
    property: "name",
    minLength: 3,
    maxLength: 255,
    pattern: /^[a-zA-Z0-9_.-]+$/,
    source:
      "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html",
  },
  // Name: required and unique in the account; AWS documents no pattern or length. CloudFront
  // refuses names over 128 characters (aws-cdk#21524, where CDK now caps generated names at 128).
  // Letters, digits, "-" and "_" are this stack's own narrower choice, not a documented rule.
  "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy": {
    property: "name",
    minLength: 1,
    maxLength: 128,
    pattern: /^[a-zA-Z0-9_-]+$/,
    source: "https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_ResponseHeadersPolicyConfig.html",
  },
  // Name (EntityName): "^[\w\-]+$", length 1–128. The same rule holds for a rule's Name.
  "aws:wafv2/webAcl:WebAcl": {
    property: "name",
    minLength: 1,
    maxLength: 128,
    pattern: /^[\w-]+$/,
    source: "https://docs.aws.amazon.com/waf/latest/APIReference/API_CreateWebACL.html",
  },
  // BudgetName: "^(?![^:\\]*/action/|(?i).*<script>.*</script>.*)[^:\\]+$", length 1–100.
  "aws:budgets/budget:Budget": {
    property: "name",
    minLength: 1,
    maxLength: 100,
    pattern: /^(?![^:\\]*\/action\/|.*<script>.*<\/script>.*)[^:\\]+$/i,
    source: "https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_budgets_Budget.html",
  },
  // logGroupName: "[\.\-_/#A-Za-z0-9]+", length 1–512, and it cannot start with "aws/".
  "aws:cloudwatch/logGroup:LogGroup": {
    property: "name",
    minLength: 1,
    maxLength: 512,
    pattern: /^(?!aws\/)[.\-_/#A-Za-z0-9]+$/,
    source: "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html",
  },
};

/**
 * VisibilityConfig MetricName: "^[\w#:\.\-/]+$", length 1–255; the text narrows it to letters,
 * digits, "-" and "_", 1–128 characters, and rules out WAF's own "All" and "Default_Action".
 */
export const WAF_METRIC_NAME_RULE: AwsNameRule = {
  property: "metricName",
  minLength: 1,
  maxLength: 128,
  pattern: /^(?!(?:All|Default_Action)$)[\w-]+$/,
  source: "https://docs.aws.amazon.com/waf/latest/APIReference/API_VisibilityConfig.html",
};

/** Resources AWS gives no name of the stack's choosing (an id, a URL, a digest). */
export const UNNAMED_TYPES = new Set([
  "aws:ecr/lifecyclePolicy:LifecyclePolicy",
  "aws:cloudfront/distribution:Distribution",
  "aws:lambda/functionUrl:FunctionUrl",
  "docker-build:index:Image",
  "pulumi:providers:aws",
]);

/** What is wrong with a name under a rule, or undefined when AWS would accept it. */
export function nameProblem(name: unknown, rule: AwsNameRule): string | undefined {
  if (typeof name !== "string") return `no ${rule.property}`;
  if (name.length < rule.minLength || name.length > rule.maxLength) {
    return `"${name}" is ${name.length} characters, outside ${rule.minLength}–${rule.maxLength} (${rule.source})`;
  }
  if (!rule.pattern.test(name)) return `"${name}" does not match ${rule.pattern} (${rule.source})`;
  return undefined;
}
