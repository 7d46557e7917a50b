import { AppError } from "@/lib/errors";
import type { RunError } from "./contract";

export type StopBy = "user" | "shutdown" | "lost";

/**
 * Why a run was stopped; passed as the AbortSignal's reason. A user's stop ends the run as
 * "stopped"; a shutdown or a lost claim on the run ends it as "interrupted".
 */
export class StopReason {
  readonly by: StopBy;
  readonly message: string;
  /** Where the stop came from, when known (the requester's address). */
  readonly from: string | undefined;
  readonly at: number;

  constructor(by: StopBy, message: string, from?: string, at: number = Date.now()) {
    this.by = by;
    this.message = message;
    this.from = from;
    this.at = at;
  }

  get interrupts(): boolean {
    return this.by !== "user";
  }

  static byUser(from?: string, at?: number): StopReason {
    return new StopReason("user", "Stopped by the user.", from, at);
  }

  static shutdown(): StopReason {
    return new StopReason("shutdown", "The server shut down during this run; run it again.");
  }

  static lost(): StopReason {
    return new StopReason("lost", "This run was taken over after its server went quiet; run it again.");
  }
}

const STOP_BY = new Set<StopBy>(["user", "shutdown", "lost"]);

/**
 * Reads the StopReason back from an abort signal. Next bundles instrumentation and route handlers
 * separately, so a reason from the shutdown handler is another copy of the class: read its fields.
 */
export function stopReasonOf(reason: unknown): StopReason {
  if (reason instanceof StopReason) return reason;
  const fields = reason as Partial<StopReason> | null;
  if (
    fields &&
    typeof fields === "object" &&
    STOP_BY.has(fields.by as StopBy) &&
    typeof fields.message === "string"
  ) {
    return new StopReason(fields.by as StopBy, fields.message, fields.from, fields.at);
  }
  return new StopReason("user", "Stopped.");
}

/** Bedrock's error names, mapped to what a person can act on. */
const modelErrors: Record<string, Omit<RunError, "message"> & { message: string }> = {
  ThrottlingException: {
    code: "rate_limited",
    retryable: true,
    message: "Bedrock is throttling this account; try again in a minute.",
  },
  ServiceQuotaExceededException: {
    code: "rate_limited",
    retryable: true,
    message: "This account has used its Bedrock quota; try again later or raise the quota.",
  },
  ModelStreamErrorException: {
    code: "model_error",
    retryable: true,
    message: "The model stopped in the middle of its answer; try again.",
  },
  InternalServerException: {
    code: "model_error",
    retryable: true,
    message: "Bedrock had an internal error; try again.",
  },
  ServiceUnavailableException: {
    code: "model_error",
    retryable: true,
    message: "Bedrock is unavailable right now; try again shortly.",
  },
  ModelNotReadyException: {
    code: "model_error",
    retryable: true,
    message: "The model is not ready yet; try again shortly.",
  },
  ModelTimeoutException: {
    code: "model_error",
    retryable: true,
    message: "The model took too long to answer; try again.",
  },
  ValidationException: {
    code: "model_error",
    retryable: false,
    message: "Bedrock rejected the request: check BEDROCK_MODEL_ID (it must exist in this region).",
  },
  ResourceNotFoundException: {
    code: "model_error",
    retryable: false,
    message: "The model id was not found in this region: check BEDROCK_MODEL_ID and AWS_REGION.",
  },
  AccessDeniedException: {
    code: "model_error",
    retryable: false,
    message:
      "Bedrock denied access: grant bedrock:InvokeModelWithResponseStream and enable the model in this account.",
  },
  UnrecognizedClientException: {
    code: "model_error",
    retryable: false,
    message: "AWS did not recognise the credentials; check the AWS profile or keys.",
  },
  CredentialsProviderError: {
    code: "model_error",
    retryable: false,
    message: "No AWS credentials were found; configure a profile or run with MODEL_PROVIDER=offline.",
  },
};

/** Turns whatever ended a run into a terminal error a person understands, without internals. */
export function describeRunFailure(error: unknown): RunError {
  if (error instanceof AppError)
    return { code: error.code, message: error.message, retryable: error.retryable };
  // LangGraph hands task failures over as plain `{ name, message }` objects, not Errors.
  const name =
    typeof error === "object" && error !== null && typeof (error as { name?: unknown }).name === "string"
      ? (error as { name: string }).name
      : undefined;
  const known = name ? modelErrors[name] : undefined;
  if (known) return { ...known };
  if (name === "GraphRecursionError") {
    return {
      code: "internal",
      retryable: false,
      message: "The workflow looped more times than allowed and was ended.",
    };
  }
  return { code: "internal", retryable: true, message: "The run failed unexpectedly; try again." };
}
