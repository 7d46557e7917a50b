import type { ServerEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { viewerHost } from "./host";

type OriginEnv = Pick<ServerEnv, "ALLOWED_ORIGINS" | "ALLOWED_HOSTS" | "BEHIND_CLOUDFRONT">;

/**
 * Refuses state-changing requests sent by another site. The page's own host is the viewer's
 * (lib/http/host.ts): behind CloudFront, X-Original-Host.
 */
export function assertSameOrigin(request: Request, env: OriginEnv): void {
  if (request.headers.get("sec-fetch-site") === "cross-site") throw forbidden();
  const origin = request.headers.get("origin");
  if (!origin) return; // Non-browser clients (curl) send none; browsers always do on POST.
  if (env.ALLOWED_ORIGINS.includes(origin)) return;

  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    throw forbidden();
  }
  if (originHost !== viewerHost(request, env)) throw forbidden();
}

function forbidden(): AppError {
  return new AppError("forbidden_origin", "This request came from another site and was refused.");
}
