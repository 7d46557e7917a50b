import { toAppError } from "@/lib/errors";

/** Wraps a route handler so anything it throws becomes a JSON error response with the right status. */
export function handleErrors<Args extends unknown[]>(
  handler: (...args: Args) => Promise<Response>,
): (...args: Args) => Promise<Response> {
  return async (...args) => {
    try {
      return await handler(...args);
    } catch (error) {
      const appError = toAppError(error);
      if (appError.code === "internal") console.error(error);
      return appError.toResponse();
    }
  };
}
