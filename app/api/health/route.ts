import { serverEnv } from "@/lib/env";
import { describeModel } from "@/lib/models/factory";

export const dynamic = "force-dynamic";

/** Readiness for Lambda Web Adapter and load balancers: cheap, and loads neither the graph nor the AWS SDK. */
export function GET() {
  return Response.json(
    { status: "ok", model: describeModel(serverEnv()) },
    { headers: { "Cache-Control": "no-store" } },
  );
}
