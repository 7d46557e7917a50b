import { AppError } from "@/lib/errors";

/**
 * Refuses state-changing requests sent by another site. Behind CloudFront the Host header is the
 * Function URL's, so the viewer's host arrives as X-Original-Host (set by our CloudFront Function,
 * which overwrites any client value).
 */
export function assertSameOrigin(request: Request, allowedOrigins: readonly string[]): void {
  if (request.headers.get("sec-fetch-site") === "cross-site") throw forbidden();
  const origin = request.headers.get("origin");
  if (!origin) return; // Non-browser clients (curl) send none; browsers always do on POST.
  if (allowedOrigins.includes(origin)) return;

  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    throw forbidden();
  }
  const ownHosts = [request.headers.get("x-original-host"), request.headers.get("host")].filter(Boolean);
  if (!ownHosts.includes(originHost)) throw forbidden();
}

function forbidden(): AppError {
  return new AppError("forbidden_origin", "This request came from another site and was refused.");
}
