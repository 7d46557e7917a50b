import { AppError } from "@/lib/errors";

export const dynamic = "force-dynamic";

/** Any /api path no route matches gets the API's JSON 404, not the site's HTML page. */
function notFound(): Response {
  return new AppError("not_found", "There is no such API endpoint.").toResponse();
}

export const GET = notFound;
export const HEAD = notFound;
export const POST = notFound;
export const PUT = notFound;
export const PATCH = notFound;
export const DELETE = notFound;
export const OPTIONS = notFound;
