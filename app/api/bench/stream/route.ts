import { syntheticParams, syntheticRunStream } from "@/lib/bench/synthetic-stream";
import { serverEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { handleErrors } from "@/lib/http/handle";
import { methodNotAllowed } from "@/lib/http/method-not-allowed";

export const dynamic = "force-dynamic";

/**
 * The benchmark's "Next.js alone" reference: the minimal route handler streaming the same bytes
 * as the bare node:http reference (scripts/bench/reference-server.ts). Only with BENCH_ROUTES=1.
 */
export const GET = handleErrors(async (request: Request) => {
  if (!serverEnv().BENCH_ROUTES) throw new AppError("not_found", "Not found.");
  const { tokens, rate } = syntheticParams(new URL(request.url));
  return new Response(syntheticRunStream(tokens, rate), {
    headers: {
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-cache, no-transform",
    },
  });
});

const notAllowed = methodNotAllowed("GET");
export const POST = notAllowed;
export const PUT = notAllowed;
export const PATCH = notAllowed;
export const DELETE = notAllowed;
