/**
 * The security headers every response carries: set by the app itself (proxy.ts) for local use and
 * `docker run`, and by CloudFront's response headers policy in the deployed stack
 * (infra/cdn.ts), from this one list so the two cannot drift. No imports: infra reads it too.
 *
 * The Content-Security-Policy allows scripts and styles from the app's own origin only. Next.js
 * streams its React Server Components payload in inline scripts, hence 'unsafe-inline' for
 * scripts (no remote script can load); model output is rendered without raw HTML or remote images
 * (components/run/markdown.tsx), so nothing a model writes can add a script or a tracking pixel.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'unsafe-inline'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

/** Two years, subdomains included: what hstspreload.org asks for. */
export const HSTS_MAX_AGE_SECONDS = 63_072_000;

export const SECURITY_HEADERS = {
  "Strict-Transport-Security": `max-age=${HSTS_MAX_AGE_SECONDS}; includeSubDomains`,
  "Content-Security-Policy": CONTENT_SECURITY_POLICY,
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "strict-origin-when-cross-origin",
  "X-Frame-Options": "DENY",
} as const;

/**
 * `next dev` runs React Refresh, which evaluates code: development alone adds 'unsafe-eval' and
 * the dev server's websocket.
 */
export function contentSecurityPolicy(development: boolean): string {
  if (!development) return CONTENT_SECURITY_POLICY;
  return CONTENT_SECURITY_POLICY.replace("script-src 'self'", "script-src 'self' 'unsafe-eval'").replace(
    "connect-src 'self'",
    "connect-src 'self' ws: wss:",
  );
}
