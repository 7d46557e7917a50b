import { type ErrorBody, type ErrorCode, errorTable } from "./error-codes";

// The codes' table lives in a module with no server imports, so the browser reads the same one.
export {
  type ErrorBody,
  type ErrorCode,
  type ErrorCodeInfo,
  errorBodySchema,
  errorCodeSchema,
  errorCodes,
  errorInfo,
  errorTable,
} from "./error-codes";

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
      /** Only where this failure knows better than its code's row in errorTable. */
      retryable?: boolean;
      retryAfterSeconds?: number;
      details?: { limit?: string; resetsAt?: number };
    },
  ) {
    super(message, { cause: options?.cause });
    this.name = "AppError";
    this.code = code;
    this.retryable = options?.retryable ?? errorTable[code].retryable;
    this.retryAfterSeconds = options?.retryAfterSeconds;
    this.details = options?.details;
  }

  get status(): number {
    return errorTable[this.code].status;
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
