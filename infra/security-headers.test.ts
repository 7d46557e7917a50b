import { describe, expect, it } from "vitest";
import { SECURITY_HEADERS } from "../lib/http/security-headers";
import { securityHeadersConfig } from "./security-headers";

describe("securityHeadersConfig", () => {
  it("expresses every one of the app's security headers as a CloudFront setting that overrides the origin's", () => {
    const config = securityHeadersConfig(SECURITY_HEADERS);
    expect(Object.keys(config).sort()).toEqual([
      "contentSecurityPolicy",
      "contentTypeOptions",
      "frameOptions",
      "referrerPolicy",
      "strictTransportSecurity",
    ]);
  });

  it("reads HSTS's parts, preload included", () => {
    expect(
      securityHeadersConfig({ "Strict-Transport-Security": "max-age=300; includeSubDomains; preload" })
        .strictTransportSecurity,
    ).toEqual({ accessControlMaxAgeSec: 300, includeSubdomains: true, preload: true, override: true });
    expect(
      securityHeadersConfig({ "Strict-Transport-Security": "max-age=300" }).strictTransportSecurity,
    ).toEqual({ accessControlMaxAgeSec: 300, includeSubdomains: false, preload: false, override: true });
  });

  it.each([
    [{ "Strict-Transport-Security": "includeSubDomains" }, /cannot send Strict-Transport-Security/],
    [{ "X-Content-Type-Options": "sniff" }, /nosniff/],
    [{ "Referrer-Policy": "everywhere" }, /cannot send Referrer-Policy/],
    [{ "X-Frame-Options": "ALLOW-FROM https://example.com" }, /DENY or SAMEORIGIN/],
    [{ "Permissions-Policy": "camera=()" }, /not one of CloudFront's security headers/],
  ])("refuses what CloudFront cannot send: %j", (headers, error) => {
    expect(() => securityHeadersConfig(headers)).toThrow(error);
  });
});
