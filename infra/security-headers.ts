import type * as Aws from "@pulumi/aws";
import { SECURITY_HEADERS } from "../lib/http/security-headers.ts";

type SecurityHeadersConfig = Aws.types.input.cloudfront.ResponseHeadersPolicySecurityHeadersConfig;

/** The values CloudFront's Referrer-Policy setting accepts (ResponseHeadersPolicyReferrerPolicy). */
const REFERRER_POLICIES = [
  "no-referrer",
  "no-referrer-when-downgrade",
  "origin",
  "origin-when-cross-origin",
  "same-origin",
  "strict-origin",
  "strict-origin-when-cross-origin",
  "unsafe-url",
];

/**
 * The app's security headers (lib/http/security-headers.ts) as a CloudFront response headers
 * policy's security settings, each overriding whatever the origin sent. CloudFront takes HSTS as
 * parts, so its header is parsed; a header or value CloudFront cannot express is refused here
 * rather than left out of the deployed responses.
 */
export function securityHeadersConfig(
  headers: Record<string, string> = SECURITY_HEADERS,
): SecurityHeadersConfig {
  const config: SecurityHeadersConfig = {};
  for (const [name, value] of Object.entries(headers)) {
    switch (name.toLowerCase()) {
      case "strict-transport-security": {
        const hsts = /^max-age=(\d+)((?:;\s*(?:includeSubDomains|preload))*)$/i.exec(value);
        if (!hsts) throw new Error(`CloudFront cannot send Strict-Transport-Security "${value}"`);
        const directives = (hsts[2] ?? "").toLowerCase();
        config.strictTransportSecurity = {
          accessControlMaxAgeSec: Number(hsts[1]),
          includeSubdomains: directives.includes("includesubdomains"),
          preload: directives.includes("preload"),
          override: true,
        };
        break;
      }
      case "content-security-policy":
        config.contentSecurityPolicy = { contentSecurityPolicy: value, override: true };
        break;
      case "x-content-type-options":
        if (value !== "nosniff") throw new Error(`CloudFront sends X-Content-Type-Options "nosniff" only`);
        config.contentTypeOptions = { override: true };
        break;
      case "referrer-policy":
        if (!REFERRER_POLICIES.includes(value))
          throw new Error(`CloudFront cannot send Referrer-Policy "${value}"`);
        config.referrerPolicy = { referrerPolicy: value, override: true };
        break;
      case "x-frame-options":
        if (value !== "DENY" && value !== "SAMEORIGIN") {
          throw new Error(`CloudFront sends X-Frame-Options DENY or SAMEORIGIN, not "${value}"`);
        }
        config.frameOptions = { frameOption: value, override: true };
        break;
      default:
        throw new Error(
          `${name} is not one of CloudFront's security headers; add it to infra/security-headers.ts`,
        );
    }
  }
  return config;
}
