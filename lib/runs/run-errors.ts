import { AppError, type ErrorCode, errorTable } from "@/lib/errors";
import type { RunError } from "./contract";

export { type StopBy, StopReason, stopReasonOf } from "./stop-reason";

/**
 * A run's error. Whether retrying may help comes from the code's row in errorTable, unless this
 * failure knows better (a model id that does not exist fails every time).
 */
export function runError(code: ErrorCode, message: string, retryable = errorTable[code].retryable): RunError {
  return { code, message, retryable };
}

/**
 * Bedrock's error names, mapped to what a person can act on; `retryable: false` marks the faults a
 * retry meets again, though their code is retryable in general.
 */
const modelErrors: Record<string, { code: ErrorCode; message: string; retryable?: false }> = {
  ThrottlingException: {
    code: "rate_limited",
    message: "Bedrock is throttling this account; try again in a minute.",
  },
  ServiceQuotaExceededException: {
    code: "rate_limited",
    message: "This account has used its Bedrock quota; try again later or raise the quota.",
  },
  ModelStreamErrorException: {
    code: "model_error",
    message: "The model stopped in the middle of its answer; try again.",
  },
  InternalServerException: {
    code: "model_error",
    message: "Bedrock had an internal error; try again.",
  },
  ServiceUnavailableException: {
    code: "model_error",
    message: "Bedrock is unavailable right now; try again shortly.",
  },
  ModelNotReadyException: {
    code: "model_error",
    message: "The model is not ready yet; try again shortly.",
  },
  ModelTimeoutException: {
    code: "model_error",
    message: "The model took too long to answer; try again.",
  },
  ModelStreamStalled: {
    code: "model_error",
    message: "The model stopped sending its answer partway through; try again.",
  },
  ValidationException: {
    code: "model_error",
    retryable: false,
    message:
      "Bedrock rejected the request: the model id was not found in this region or is not enabled; check BEDROCK_MODEL_ID and AWS_REGION.",
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
  if (known) {
    // The AWS SDK retried before giving up: say so, it tells the reader this was not a blip.
    const meta = (error as { $metadata?: { attempts?: number; totalRetryDelay?: number } }).$metadata;
    const attempts =
      meta?.attempts && meta.attempts > 1
        ? ` (${meta.attempts} attempts over ${((meta.totalRetryDelay ?? 0) / 1000).toFixed(1)} s)`
        : "";
    return runError(known.code, `${known.message}${attempts}`, known.retryable);
  }
  const text =
    typeof (error as { message?: unknown })?.message === "string"
      ? (error as { message: string }).message
      : "";
  if (/No checkpointer set/i.test(text)) {
    return runError(
      "internal",
      "This workflow asked a person a question (LangGraph's interrupt()) but does not say so: set asksPeople: true in its WorkflowSpec, so the run keeps its state while it waits.",
      false,
    );
  }
  if (name === "GraphRecursionError") {
    return runError("internal", "The workflow looped more times than allowed and was ended.", false);
  }
  return runError("internal", "The run failed unexpectedly; try again.");
}
