import { z } from "zod";

/** Every error the app reports, by code. The client maps codes to words a person understands. */
export const errorCodes = [
  "bad_request",
  "unsupported_media_type",
  "unauthorized",
  "forbidden_origin",
  "forbidden_host",
  "not_found",
  "method_not_allowed",
  "conflict",
  "payload_too_large",
  "rate_limited",
  "quota_exceeded",
  "too_many_running",
  "service_paused",
  "model_error",
  "deadline_exceeded",
  "budget_exceeded",
  "interrupted",
  "expired",
  "store_unavailable",
  "internal",
] as const;

export const errorCodeSchema = z.enum(errorCodes);
export type ErrorCode = z.infer<typeof errorCodeSchema>;

const statusByCode: Record<ErrorCode, number> = {
  bad_request: 400,
  unsupported_media_type: 415,
  unauthorized: 401,
  forbidden_origin: 403,
  forbidden_host: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  rate_limited: 429,
  quota_exceeded: 429,
  too_many_running: 429,
  service_paused: 503,
  model_error: 502,
  deadline_exceeded: 504,
  budget_exceeded: 429,
  interrupted: 503,
  expired: 410,
  store_unavailable: 503,
  internal: 500,
};

/**
 * The JSON body of every error response: `{ "error": { "code", "message" } }`; a refusal by a
 * limit adds which limit and when it resets (`limit`, `resetsAt` in epoch ms).
 */
export const errorBodySchema = z.object({
  error: z.object({
    code: errorCodeSchema,
    message: z.string(),
    limit: z.string().optional(),
    resetsAt: z.number().optional(),
  }),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;

/** One error type for the whole app: it knows its code and renders itself as a Response. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  /** Seconds after which the same request may succeed (sent as Retry-After). */
  readonly retryAfterSeconds: number | undefined;
  /** Which limit refused, and when it resets. */
  readonly details: { limit?: string; resetsAt?: number } | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options?: {
      cause?: unknown;
      retryable?: boolean;
      retryAfterSeconds?: number;
      details?: { limit?: string; resetsAt?: number };
    },
  ) {
    super(message, { cause: options?.cause });
    this.name = "AppError";
    this.code = code;
    this.retryable = options?.retryable ?? (code === "rate_limited" || code === "model_error");
    this.retryAfterSeconds = options?.retryAfterSeconds;
    this.details = options?.details;
  }

  get status(): number {
    return statusByCode[this.code];
  }

  toBody(): ErrorBody {
    return { error: { code: this.code, message: this.message, ...this.details } };
  }

  toResponse(headers?: HeadersInit): Response {
    const all = new Headers(headers);
    if (this.retryAfterSeconds !== undefined) all.set("Retry-After", String(this.retryAfterSeconds));
    return Response.json(this.toBody(), { status: this.status, headers: all });
  }
}

/** Turns anything thrown into an AppError without leaking internals to the client. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  return new AppError("internal", "Something went wrong on our side. Please try again.", { cause: error });
}
