import { type ErrorCode, errorBodySchema, errorCodeSchema } from "@/lib/errors";

export interface FailureNotice {
  code: ErrorCode | "network";
  title: string;
  detail: string;
  retryable: boolean;
  /** When a limit that refused resets (epoch ms). */
  resetsAt?: number;
}

const titles: Record<ErrorCode | "network", string> = {
  bad_request: "That request was not valid",
  unsupported_media_type: "That request was not valid",
  unauthorized: "Please sign in",
  forbidden_origin: "Refused: the request came from another site",
  forbidden_host: "Refused: this address does not serve the app",
  not_found: "Not found",
  method_not_allowed: "That action is not allowed",
  conflict: "That run has already finished",
  payload_too_large: "That task is too long",
  rate_limited: "The model is busy",
  quota_exceeded: "You have used today's allowance",
  too_many_running: "You already have runs going",
  service_paused: "New runs are paused for today",
  model_error: "The model could not finish",
  deadline_exceeded: "The run took too long",
  budget_exceeded: "The run used its token budget",
  interrupted: "The run was interrupted",
  expired: "Nobody answered in time",
  store_unavailable: "Runs cannot be saved right now",
  internal: "Something went wrong",
  network: "The connection was lost",
};

/**
 * Turns a run error (from the stream's `data-run` part, or from an HTTP error body) into words a
 * person understands.
 */
export function describeFailure(
  source: { code: string; message: string; retryable?: boolean } | Error,
): FailureNotice {
  if (source instanceof Error) return describeError(source);
  const code = errorCodeSchema.catch("internal").parse(source.code);
  return {
    code,
    title: titles[code],
    detail: source.message,
    retryable: source.retryable ?? code !== "bad_request",
  };
}

function describeError(error: Error): FailureNotice {
  const body = parseJson(error.message);
  const parsed = errorBodySchema.safeParse(body);
  if (parsed.success) {
    const { code, message, resetsAt } = parsed.data.error;
    return {
      code,
      title: titles[code],
      detail: message,
      retryable: code === "rate_limited" || code === "internal",
      resetsAt,
    };
  }
  if (/fetch|network|terminated|aborted/i.test(error.message)) {
    return {
      code: "network",
      title: titles.network,
      detail: "The stream stopped before the run finished. Check your connection and try again.",
      retryable: true,
    };
  }
  return { code: "internal", title: titles.internal, detail: error.message, retryable: true };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
