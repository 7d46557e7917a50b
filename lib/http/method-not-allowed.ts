import type { ErrorBody } from "@/lib/errors";

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

/**
 * The JSON 405 for a method a route does not serve, with the `Allow` header HTTP asks for. Next
 * answers such methods with an empty 405 of its own; every /api error here is JSON instead. Kept
 * free of zod (a type import only), so even the health route can use it without slowing readiness.
 */
export function methodNotAllowed(...served: (typeof METHODS)[number][]): () => Response {
  const allow = [...served, ...(served.includes("GET") ? ["HEAD"] : []), "OPTIONS"].join(", ");
  const body: ErrorBody = {
    error: { code: "method_not_allowed", message: `This endpoint answers ${allow} only.` },
  };
  return () => Response.json(body, { status: 405, headers: { Allow: allow } });
}
