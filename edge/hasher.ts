/**
 * The "edge hasher": a Lambda@Edge origin-request function in front of the Lambda Function URL.
 * CloudFront's Origin Access Control signs each origin request with SigV4, and a Function URL
 * with AWS_IAM auth only accepts a POST or PUT whose body hash is signed too. OAC does not hash
 * bodies itself: it signs the `x-amz-content-sha256` header the viewer request carries. So this
 * function computes that hash from the body's raw bytes and sets it, overwriting any client value.
 * It runs with IncludeBody; it has no environment (Lambda@Edge allows none) and no dependencies.
 *
 * What each method CloudFront forwards gets (`BODY_RULES`; README, "Signed bodies"):
 * - GET, HEAD: nothing. CloudFront answers 403 to a GET with a body before any function runs, so
 *   the payload OAC signs is always the empty one.
 * - POST, PUT, PATCH: always the hash, of an empty body too (Lambda takes no unsigned payload).
 * - DELETE, OPTIONS: the hash of the body when Lambda@Edge exposes one. Without one, nothing, as
 *   for GET; but a request that declares a body Lambda@Edge did not expose is refused here with a
 *   400, since it would otherwise reach the app with a signature that cannot match.
 */
import { createHash } from "node:crypto";
import type {
  CloudFrontRequest,
  CloudFrontRequestEvent,
  CloudFrontRequestResult,
  CloudFrontResultResponse,
} from "aws-lambda";

const HASH_HEADER = "x-amz-content-sha256";
export type BodyRule = "none" | "always" | "when-present";

/** How each method CloudFront can forward has its body signed. */
export const BODY_RULES: Record<string, BodyRule> = {
  GET: "none",
  HEAD: "none",
  POST: "always",
  PUT: "always",
  PATCH: "always",
  DELETE: "when-present",
  OPTIONS: "when-present",
};

function jsonError(
  status: string,
  statusDescription: string,
  code: string,
  message: string,
): CloudFrontResultResponse {
  return {
    status,
    statusDescription,
    headers: {
      "content-type": [{ key: "Content-Type", value: "application/json" }],
      "cache-control": [{ key: "Cache-Control", value: "no-store" }],
    },
    body: JSON.stringify({ error: { code, message } }),
  };
}

/** What CloudFront answers when the body is over what Lambda@Edge receives (1 MB for origin requests). */
function tooLarge(): CloudFrontResultResponse {
  return jsonError(
    "413",
    "Payload Too Large",
    "payload_too_large",
    "The request body is too large to forward; send less than 1 MB.",
  );
}

/** Whether the request says it has a body: a nonzero Content-Length, or chunked transfer. */
function declaresBody(headers: CloudFrontRequest["headers"]): boolean {
  const length = Number(headers["content-length"]?.[0]?.value ?? "0");
  return length > 0 || headers["transfer-encoding"] !== undefined;
}

/** The body's bytes as CloudFront delivered them: base64 is decoded to bytes, never via a string. */
function bodyBytes(body: { data: string; encoding: "base64" | "text" }): Buffer {
  return body.encoding === "base64" ? Buffer.from(body.data, "base64") : Buffer.from(body.data, "utf8");
}

export async function handler(event: CloudFrontRequestEvent): Promise<CloudFrontRequestResult> {
  const request = event.Records[0]?.cf.request;
  if (!request) throw new Error("Not a CloudFront request event");
  const body = request.body;
  if (body?.inputTruncated) return tooLarge();
  const method = request.method.toUpperCase();
  const rule = BODY_RULES[method] ?? "when-present";
  const exposed = Boolean(body?.data);
  if (rule === "none" || (rule === "when-present" && !exposed)) {
    if (rule === "when-present" && declaresBody(request.headers)) {
      return jsonError(
        "400",
        "Bad Request",
        "bad_request",
        `A ${method} request cannot carry a body through this site; send it without one.`,
      );
    }
    return request;
  }
  const bytes = body ? bodyBytes(body) : Buffer.alloc(0);
  const hash = createHash("sha256").update(bytes).digest("hex");
  request.headers[HASH_HEADER] = [{ key: HASH_HEADER, value: hash }];
  return request;
}
