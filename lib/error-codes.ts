import { z } from "zod";

/**
 * Every error code the app reports, with what each means, in one table read by the server (the
 * HTTP status of an error response, the retryability of a stream's error event) and by the browser
 * (the title a person reads, whether to offer Retry). No server imports: client code imports it.
 */
export interface ErrorCodeInfo {
  /** The HTTP status of an error response with this code. */
  status: number;
  /**
   * Whether the same request, sent again soon, may well succeed: the UI offers Retry. A failure
   * can say otherwise for itself (a model id that does not exist fails every time).
   */
  retryable: boolean;
  /** The headline a person reads; the error's message gives the detail. */
  title: string;
}

export const errorTable = {
  bad_request: { status: 400, retryable: false, title: "That request was not valid" },
  unsupported_media_type: { status: 415, retryable: false, title: "That request was not valid" },
  unauthorized: { status: 401, retryable: false, title: "Please sign in" },
  forbidden_origin: { status: 403, retryable: false, title: "Refused: the request came from another site" },
  forbidden_host: { status: 403, retryable: false, title: "Refused: this address does not serve the app" },
  not_found: { status: 404, retryable: false, title: "Not found" },
  method_not_allowed: { status: 405, retryable: false, title: "That action is not allowed" },
  conflict: { status: 409, retryable: false, title: "That run has already finished" },
  payload_too_large: { status: 413, retryable: false, title: "That task is too long" },
  rate_limited: { status: 429, retryable: true, title: "The model is busy" },
  // Allowances reset at a time the refusal gives (resetsAt); trying again before then fails.
  quota_exceeded: { status: 429, retryable: false, title: "You have used today's allowance" },
  too_many_running: { status: 429, retryable: false, title: "You already have runs going" },
  service_paused: { status: 503, retryable: false, title: "New runs are paused for today" },
  model_error: { status: 502, retryable: true, title: "The model could not finish" },
  deadline_exceeded: { status: 504, retryable: false, title: "The run took too long" },
  budget_exceeded: { status: 429, retryable: false, title: "The run used its token budget" },
  interrupted: { status: 503, retryable: true, title: "The run was interrupted" },
  expired: { status: 410, retryable: false, title: "Nobody answered in time" },
  store_unavailable: { status: 503, retryable: true, title: "Runs cannot be saved right now" },
  internal: { status: 500, retryable: true, title: "Something went wrong" },
} as const satisfies Record<string, ErrorCodeInfo>;

export type ErrorCode = keyof typeof errorTable;
export const errorCodes = Object.keys(errorTable) as [ErrorCode, ...ErrorCode[]];
export const errorCodeSchema = z.enum(errorCodes);

/** What a code means; an unknown code (from an older or newer server) reads as `internal`. */
export function errorInfo(code: string): ErrorCodeInfo & { code: ErrorCode } {
  const known = errorCodeSchema.catch("internal").parse(code);
  return { code: known, ...errorTable[known] };
}

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
