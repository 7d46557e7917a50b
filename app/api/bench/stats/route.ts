import { processStats } from "@/lib/bench/process-stats";
import { serverEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { handleErrors } from "@/lib/http/handle";
import { methodNotAllowed } from "@/lib/http/method-not-allowed";

export const dynamic = "force-dynamic";

/** RSS, CPU and event-loop delay of the server, for the benchmark. Only with BENCH_ROUTES=1. */
export const GET = handleErrors(async (request: Request) => {
  if (!serverEnv().BENCH_ROUTES) throw new AppError("not_found", "Not found.");
  return Response.json(processStats(new URL(request.url).searchParams.has("reset")));
});

const notAllowed = methodNotAllowed("GET");
export const POST = notAllowed;
export const PUT = notAllowed;
export const PATCH = notAllowed;
export const DELETE = notAllowed;
