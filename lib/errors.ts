import { z } from "zod";

/** Every error the app reports, by code. The client maps codes to words a person understands. */
export const errorCodes = [
  "bad_request",
  "unsupported_media_type",
  "forbidden_origin",
  "not_found",
  "method_not_allowed",
  "conflict",
  "payload_too_large",
  "rate_limited",
  "model_error",
  "deadline_exceeded",
  "budget_exceeded",
  "interrupted",
  "store_unavailable",
  "internal",
] as const;

export const errorCodeSchema = z.enum(errorCodes);
export type ErrorCode = z.infer<typeof errorCodeSchema>;

const statusByCode: Record<ErrorCode, number> = {
  bad_request: 400,
  unsupported_media_type: 415,
  forbidden_origin: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  rate_limited: 429,
  model_error: 502,
  deadline_exceeded: 504,
  budget_exceeded: 429,
  interrupted: 503,
  store_unavailable: 503,
  internal: 500,
};

/** The JSON body of every error response: `{ "error": { "code", "message" } }`. */
export const errorBodySchema = z.object({
  error: z.object({ code: errorCodeSchema, message: z.string() }),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;

/** One error type for the whole app: it knows its code and renders itself as a Response. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; retryable?: boolean }) {
    super(message, { cause: options?.cause });
    this.name = "AppError";
    this.code = code;
    this.retryable = options?.retryable ?? (code === "rate_limited" || code === "model_error");
  }

  get status(): number {
    return statusByCode[this.code];
  }

  toBody(): ErrorBody {
    return { error: { code: this.code, message: this.message } };
  }

  toResponse(headers?: HeadersInit): Response {
    return Response.json(this.toBody(), { status: this.status, headers });
  }
}

/** Turns anything thrown into an AppError without leaking internals to the client. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  return new AppError("internal", "Something went wrong on our side. Please try again.", { cause: error });
}
