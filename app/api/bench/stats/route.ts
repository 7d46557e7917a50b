import { processStats } from "@/lib/bench/process-stats";
import { AppError } from "@/lib/errors";
import { handleErrors } from "@/lib/http/handle";

export const dynamic = "force-dynamic";

/** RSS, CPU and event-loop delay of the server, for the benchmark. Only with BENCH_ROUTES=1. */
export const GET = handleErrors(async (request: Request) => {
  if (process.env.BENCH_ROUTES !== "1") throw new AppError("not_found", "Not found.");
  return Response.json(processStats(new URL(request.url).searchParams.has("reset")));
});
