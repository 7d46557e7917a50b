import type * as Aws from "@pulumi/aws";
import { KEEP_NAME, physicalName, type StackIdentity } from "./naming.ts";
import type { StackSettings } from "./settings.ts";

/** The request that starts a run (and spends model tokens): what the rate-based rule counts. */
export const RUN_START = { method: "POST", path: "/api/runs" } as const;

/** AWS WAF counts a rate-based rule over this window; 300 s is its default. */
export const RUN_LIMIT_WINDOW_SECONDS = 300;

const visibility = (metricName: string) => ({
  cloudwatchMetricsEnabled: true,
  sampledRequestsEnabled: true,
  metricName,
});

const exactly = (fieldToMatch: Record<string, object>, searchString: string, transformation: string) => ({
  byteMatchStatement: {
    fieldToMatch,
    positionalConstraint: "EXACTLY",
    searchString,
    textTransformations: [{ priority: 0, type: transformation }],
  },
});

/**
 * An AWS WAF web ACL for the distribution (scope CLOUDFRONT, so created in us-east-1): it allows
 * everything except a client address that starts more than `runLimit` runs in 5 minutes, which is
 * blocked (403) until its rate falls back under the limit. The app's own per-visitor and
 * per-address quotas still apply; this stops a flood at the edge, before it costs a Lambda call.
 */
export function createWebAcl(
  aws: typeof Aws,
  options: { name: string; identity: StackIdentity; usEast1: Aws.Provider; waf: StackSettings["waf"] },
): Aws.wafv2.WebAcl {
  const { name } = options;
  return new aws.wafv2.WebAcl(
    `${name}WebAcl`,
    {
      name: physicalName(options.identity, "wafWebAcl", "WebAcl"),
      description: "Limits how many runs one client address starts",
      scope: "CLOUDFRONT",
      defaultAction: { allow: {} },
      rules: [
        {
          name: "RunStartsPerAddress",
          priority: 0,
          action: { block: {} },
          statement: {
            rateBasedStatement: {
              limit: options.waf.runLimit,
              evaluationWindowSec: RUN_LIMIT_WINDOW_SECONDS,
              aggregateKeyType: "IP",
              scopeDownStatement: {
                andStatement: {
                  statements: [
                    exactly({ method: {} }, RUN_START.method, "NONE"),
                    // Decoded first, so /api/%72uns counts as the /api/runs it reaches.
                    exactly({ uriPath: {} }, RUN_START.path, "URL_DECODE"),
                  ],
                },
              },
            },
          },
          visibilityConfig: visibility(`${name}RunStarts`),
        },
      ],
      visibilityConfig: visibility(`${name}WebAcl`),
    },
    { provider: options.usEast1, ...KEEP_NAME },
  );
}
