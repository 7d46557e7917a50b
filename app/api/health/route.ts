import { serverEnv } from "@/lib/env";
import { methodNotAllowed } from "@/lib/http/method-not-allowed";
import { describeModel } from "@/lib/models/factory";

export const dynamic = "force-dynamic";

/** Readiness for Lambda Web Adapter and load balancers: cheap, and loads neither the graph nor the AWS SDK. */
export function GET() {
  return Response.json(
    { status: "ok", model: describeModel(serverEnv()) },
    { headers: { "Cache-Control": "no-store" } },
  );
}

const notAllowed = methodNotAllowed("GET");
export const POST = notAllowed;
export const PUT = notAllowed;
export const PATCH = notAllowed;
export const DELETE = notAllowed;
