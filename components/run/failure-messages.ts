import { z } from "zod";
import { type ErrorCode, errorBodySchema, errorInfo } from "@/lib/error-codes";

export interface FailureNotice {
  code: ErrorCode | "network";
  title: string;
  detail: string;
  retryable: boolean;
  /** When a limit that refused resets (epoch ms). */
  resetsAt?: number;
}

/** The one failure that is the browser's own: the stream broke before the run finished. */
const NETWORK: FailureNotice = {
  code: "network",
  title: "The connection was lost",
  detail: "The stream stopped before the run finished. Check your connection and try again.",
  retryable: true,
};

/**
 * Turns a run error (from the stream's `data-run` part or `error` event, or from an HTTP error
 * body) into words a person understands. Titles and retryability come from lib/error-codes.ts,
 * the table the server answers by; a stream error's own `retryable` wins, as the server decided
 * it for that very failure.
 */
export function describeFailure(
  source: { code: string; message: string; retryable?: boolean } | Error,
): FailureNotice {
  if (source instanceof Error) return describeError(source);
  const { code, title, retryable } = errorInfo(source.code);
  return { code, title, detail: source.message, retryable: source.retryable ?? retryable };
}

/** An error body whose code this browser may not know yet (a newer server): read as `internal`. */
const anyErrorBodySchema = z.object({ error: errorBodySchema.shape.error.extend({ code: z.string() }) });

/** An Error from fetch or the AI SDK's transport: an HTTP error body, a broken connection, or else. */
function describeError(error: Error): FailureNotice {
  const parsed = anyErrorBodySchema.safeParse(parseJson(error.message));
  if (parsed.success) {
    const { message, resetsAt } = parsed.data.error;
    const { code, title, retryable } = errorInfo(parsed.data.error.code);
    return { code, title, detail: message, retryable, resetsAt };
  }
  if (/fetch|network|terminated|aborted/i.test(error.message)) return { ...NETWORK };
  const { code, title, retryable } = errorInfo("internal");
  return { code, title, detail: error.message, retryable };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
