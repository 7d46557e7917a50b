import type { Input } from "./deps.ts";
import type { StackSettings } from "./settings.ts";

/**
 * The secrets the app reads, as Pulumi secret outputs: `sst.config.ts` passes SST secrets
 * (`npx sst secret set …`), so their values live in SST's encrypted store and the function's
 * configuration, never in the repository or the image.
 */
export interface AppSecrets {
  /** Signs session cookies: AUTH_SECRET, at least 32 random characters. */
  authSecret: Input<string>;
  /** The OIDC client's secret: AUTH_OIDC_CLIENT_SECRET, wanted exactly when OIDC is configured. */
  oidcClientSecret?: Input<string>;
}

/**
 * The app function's environment beyond the image's own: how the deployed app runs (Bedrock,
 * DynamoDB, behind CloudFront), its secrets, and the sign-in and limit settings the deploying
 * shell chose. Unset choices are left out, so the app's own defaults apply.
 */
export function appEnvironment(
  settings: StackSettings,
  resources: { tableName: Input<string>; secrets: AppSecrets },
): Record<string, Input<string>> {
  const { auth } = settings;
  const { secrets } = resources;
  if (Boolean(auth.oidc) !== Boolean(secrets.oidcClientSecret)) {
    throw new Error(
      "The OIDC client secret is wanted exactly when AUTH_OIDC_ISSUER and AUTH_OIDC_CLIENT_ID are set",
    );
  }
  return {
    // The image sets these too; repeated so the function's configuration says it all.
    AWS_LWA_INVOKE_MODE: "response_stream",
    AWS_LWA_READINESS_CHECK_PATH: "/api/health",
    MODEL_PROVIDER: "bedrock",
    BEDROCK_MODEL_ID: settings.modelId,
    // AWS_REGION is Lambda's own (the stack's region); Bedrock is called there.
    RUN_STORE: "dynamodb",
    RUNS_TABLE: resources.tableName,
    HEARTBEAT_MS: String(settings.heartbeatMs),
    RUN_DEADLINE_MS: String(settings.runDeadlineMs),
    // Requests arrive through CloudFront only (the Function URL takes signed calls alone), so the
    // app may trust X-Original-Host, set by the CloudFront Function, and knows viewers use https.
    BEHIND_CLOUDFRONT: "true",
    // The custom domain, the one host besides CloudFront's and the Function URL's the app answers.
    ALLOWED_HOSTS: settings.domain?.name ?? "",
    AUTH_SECRET: secrets.authSecret,
    ...(auth.oidc && secrets.oidcClientSecret
      ? {
          AUTH_OIDC_ISSUER: auth.oidc.issuer,
          AUTH_OIDC_CLIENT_ID: auth.oidc.clientId,
          AUTH_OIDC_CLIENT_SECRET: secrets.oidcClientSecret,
        }
      : {}),
    ...(auth.required === undefined ? {} : { AUTH_REQUIRED: auth.required }),
    ...Object.fromEntries(Object.entries(settings.appLimits).map(([name, value]) => [name, String(value)])),
  };
}
