import type { ServerEnv } from "@/lib/env";

type HostEnv = Pick<ServerEnv, "ALLOWED_HOSTS" | "BEHIND_CLOUDFRONT">;

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);

/**
 * The host the viewer asked for. Behind CloudFront the Host header is the Function URL's, and the
 * viewer's host arrives as X-Original-Host (set by our CloudFront Function, which overwrites any
 * client value); anywhere else that header means nothing and is ignored, since a page on another
 * site (DNS rebinding) could send it.
 */
export function viewerHost(request: Request, env: HostEnv): string {
  const original = env.BEHIND_CLOUDFRONT ? request.headers.get("x-original-host") : null;
  return (original ?? request.headers.get("host") ?? new URL(request.url).host).toLowerCase();
}

/** A host name without its port ("[::1]:3000" → "[::1]"). */
export function hostName(host: string): string {
  if (host.startsWith("[")) return host.slice(0, host.indexOf("]") + 1);
  const colon = host.lastIndexOf(":");
  return colon > 0 ? host.slice(0, colon) : host;
}

/**
 * Whether the app answers for this host: loopback names, ALLOWED_HOSTS (a custom domain), and
 * behind CloudFront the distribution's own domain and the Function URL's (only CloudFront, or a
 * caller holding IAM credentials, reaches those). A page on another site that rebinds its DNS
 * name to 127.0.0.1 still sends its own name as Host, and is refused.
 */
export function isAllowedHost(host: string, env: HostEnv): boolean {
  const name = hostName(host.toLowerCase());
  if (LOOPBACK.has(name)) return true;
  if (env.ALLOWED_HOSTS.some((allowed) => allowed.toLowerCase() === name)) return true;
  return (
    env.BEHIND_CLOUDFRONT &&
    (name.endsWith(".cloudfront.net") || /\.lambda-url\.[a-z0-9-]+\.on\.aws$/.test(name))
  );
}

/** The origin the viewer sees: https behind CloudFront, otherwise the request's own scheme. */
export function publicOrigin(request: Request, env: HostEnv): string {
  const protocol = env.BEHIND_CLOUDFRONT ? "https:" : new URL(request.url).protocol;
  return `${protocol}//${viewerHost(request, env)}`;
}
