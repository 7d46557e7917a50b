import type * as Aws from "@pulumi/aws";
import type { InfraDeps, Output } from "./deps.ts";
import { KEEP_NAME, physicalName, type StackIdentity } from "./naming.ts";
import { securityHeadersConfig } from "./security-headers.ts";
import type { StackSettings } from "./settings.ts";

/** CloudFront's managed policies (their ids are fixed and the same in every account). */
export const MANAGED = {
  /** No caching: every request reaches the app; the default for a streaming, per-user app. */
  cachingDisabled: "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
  /** Caches by path for as long as the origin's Cache-Control allows, gzip and brotli. */
  cachingOptimized: "658327ea-f89d-4fab-a63d-7e88639e58f6",
  /**
   * Every viewer header except Host (header behavior `allExcept` Host), every cookie and every
   * query string. Host must not reach a Function URL origin: OAC signs for the URL's own host.
   * X-Original-Host, set by the viewer-request function, is a viewer header by then and is
   * forwarded. Headers CloudFront generates itself, CloudFront-Viewer-Address among them, are not
   * viewer headers and are not forwarded: the function copies the viewer's IP into X-Viewer-Address
   * instead (docs/deploy.md, "Client addresses").
   */
  allViewerExceptHostHeader: "b689b0a8-53d0-40ab-baf2-68738e2966ac",
} as const;

const ORIGIN_ID = "app";

export interface Cdn {
  distribution: Aws.cloudfront.Distribution;
  originAccessControl: Aws.cloudfront.OriginAccessControl;
  responseHeadersPolicy: Aws.cloudfront.ResponseHeadersPolicy;
  permissions: Aws.lambda.Permission[];
  url: Output<string>;
}

/**
 * The CloudFront distribution in front of the Function URL, which only CloudFront may call: OAC
 * signs every origin request (the edge hasher supplies body hashes), and the function grants
 * CloudFront both permissions a Function URL with AWS_IAM auth needs, for this distribution only.
 */
export function createCdn(
  { aws, pulumi }: InfraDeps,
  options: {
    name: string;
    identity: StackIdentity;
    fn: Aws.lambda.Function;
    functionUrl: Output<string>;
    originalHostArn: Output<string>;
    hasherVersionArn: Output<string>;
    /** The WAF web ACL to attach, when there is one (its ARN, as WAFv2 wants). */
    webAclArn?: Output<string>;
    settings: StackSettings;
  },
): Cdn {
  const { name, settings } = options;
  const originAccessControl = new aws.cloudfront.OriginAccessControl(
    `${name}Oac`,
    {
      name: physicalName(options.identity, "originAccessControl", "Oac"),
      description: "Signs CloudFront's requests to the app's Function URL",
      originAccessControlOriginType: "lambda",
      signingBehavior: "always",
      signingProtocol: "sigv4",
    },
    KEEP_NAME,
  );
  // The app's security headers, on the app's responses and the cached build assets' alike.
  const responseHeadersPolicy = new aws.cloudfront.ResponseHeadersPolicy(
    `${name}SecurityHeaders`,
    {
      name: physicalName(options.identity, "responseHeadersPolicy", "SecurityHeaders"),
      comment: "The app's security headers (lib/http/security-headers.ts)",
      securityHeadersConfig: securityHeadersConfig(),
    },
    KEEP_NAME,
  );
  const viewerRequest = [{ eventType: "viewer-request", functionArn: options.originalHostArn }];
  const distribution = new aws.cloudfront.Distribution(`${name}Cdn`, {
    enabled: true,
    comment: "stepstream",
    httpVersion: "http2and3",
    isIpv6Enabled: true,
    priceClass: settings.priceClass,
    webAclId: options.webAclArn,
    aliases: settings.domain ? [settings.domain.name] : [],
    origins: [
      {
        originId: ORIGIN_ID,
        domainName: options.functionUrl.apply((url) => new URL(url).host),
        originAccessControlId: originAccessControl.id,
        customOriginConfig: {
          httpPort: 80,
          httpsPort: 443,
          originProtocolPolicy: "https-only",
          originSslProtocols: ["TLSv1.2"],
          originReadTimeout: settings.originReadTimeoutSeconds,
          originKeepaliveTimeout: 60,
        },
      },
    ],
    defaultCacheBehavior: {
      targetOriginId: ORIGIN_ID,
      viewerProtocolPolicy: "redirect-to-https",
      allowedMethods: ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"],
      cachedMethods: ["GET", "HEAD"],
      cachePolicyId: MANAGED.cachingDisabled,
      originRequestPolicyId: MANAGED.allViewerExceptHostHeader,
      responseHeadersPolicyId: responseHeadersPolicy.id,
      // Compressing would hold back streamed events until a compression block fills.
      compress: false,
      functionAssociations: viewerRequest,
      lambdaFunctionAssociations: [
        { eventType: "origin-request", lambdaArn: options.hasherVersionArn, includeBody: true },
      ],
    },
    orderedCacheBehaviors: [
      {
        // Content-hashed build assets, served by the app with `immutable`: cached at the edge for a
        // year, so each edge location asks the function for an asset once per deploy.
        pathPattern: "/_next/static/*",
        targetOriginId: ORIGIN_ID,
        viewerProtocolPolicy: "redirect-to-https",
        allowedMethods: ["GET", "HEAD"],
        cachedMethods: ["GET", "HEAD"],
        cachePolicyId: MANAGED.cachingOptimized,
        responseHeadersPolicyId: responseHeadersPolicy.id,
        compress: true,
      },
    ],
    restrictions: { geoRestriction: { restrictionType: "none" } },
    viewerCertificate: settings.domain
      ? {
          acmCertificateArn: settings.domain.certificateArn,
          sslSupportMethod: "sni-only",
          minimumProtocolVersion: "TLSv1.2_2021",
        }
      : { cloudfrontDefaultCertificate: true },
  });
  const permissions = [
    new aws.lambda.Permission(`${name}CloudFrontInvokeUrl`, {
      action: "lambda:InvokeFunctionUrl",
      function: options.fn.name,
      principal: "cloudfront.amazonaws.com",
      sourceArn: distribution.arn,
      functionUrlAuthType: "AWS_IAM",
    }),
    new aws.lambda.Permission(`${name}CloudFrontInvoke`, {
      action: "lambda:InvokeFunction",
      function: options.fn.name,
      principal: "cloudfront.amazonaws.com",
      sourceArn: distribution.arn,
      invokedViaFunctionUrl: true,
    }),
  ];
  const url = settings.domain
    ? pulumi.output(`https://${settings.domain.name}`)
    : pulumi.interpolate`https://${distribution.domainName}`;
  return { distribution, originAccessControl, responseHeadersPolicy, permissions, url };
}
