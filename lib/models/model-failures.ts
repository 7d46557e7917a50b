/**
 * Which model failures a node retries. The AWS SDK already retries HTTP 429/500/503 before a
 * stream starts (three attempts); a node retry on top would multiply them. What the SDK cannot
 * retry is a failure after the stream began: a throttling or stream-error event mid-answer, or a
 * stream that stalls. Those a node retries, from the start of its model call. Never a 400 or 403.
 */

/** Thrown when a model stream sends nothing for longer than MODEL_IDLE_TIMEOUT_MS. */
export class ModelStreamStalledError extends Error {
  override name = "ModelStreamStalled";
  constructor(readonly idleMs: number) {
    super(`The model sent nothing for ${Math.round(idleMs / 100) / 10} s.`);
  }
}

const RETRYABLE_AFTER_THE_STREAM_BEGAN = new Set([
  "ThrottlingException",
  "ModelStreamErrorException",
  "ModelStreamStalled",
  "InternalServerException",
  "ServiceUnavailableException",
  "ModelNotReadyException",
  "ModelTimeoutException",
]);

/** How many HTTP attempts the AWS SDK made before giving up, when it says. */
export function sdkAttempts(error: unknown): number | undefined {
  const attempts = (error as { $metadata?: { attempts?: unknown } } | null)?.$metadata?.attempts;
  return typeof attempts === "number" ? attempts : undefined;
}

export function isWorthRetrying(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  if (typeof name !== "string" || !RETRYABLE_AFTER_THE_STREAM_BEGAN.has(name)) return false;
  return (sdkAttempts(error) ?? 1) <= 1;
}

/** LangGraph's node retry policy for model-calling nodes. */
export function modelRetryPolicy(maxAttempts: number) {
  return {
    maxAttempts,
    initialInterval: 500,
    backoffFactor: 2,
    maxInterval: 8_000,
    jitter: true,
    logWarning: false,
    retryOn: isWorthRetrying,
  };
}

const RETRY_NOTES: Record<string, string> = {
  ThrottlingException: "Bedrock throttled this call partway through.",
  ModelStreamErrorException: "The model's answer broke off partway through.",
  ModelStreamStalled: "The model stopped sending its answer.",
  InternalServerException: "Bedrock had an internal error.",
  ServiceUnavailableException: "Bedrock was unavailable.",
  ModelNotReadyException: "The model was not ready.",
  ModelTimeoutException: "The model took too long.",
};

/** Why a node is trying its model call again, in a few words for the step card. */
export function retryNoteFor(error: unknown): string {
  const name = (error as { name?: unknown } | null)?.name;
  return (typeof name === "string" && RETRY_NOTES[name]) || "The model call failed.";
}
