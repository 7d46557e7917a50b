/**
 * The "edge hasher": a Lambda@Edge origin-request function in front of the Lambda Function URL.
 * CloudFront's Origin Access Control signs each origin request with SigV4, and a Function URL
 * with AWS_IAM auth only accepts a POST or PUT whose body hash is signed too. OAC does not hash
 * bodies itself: it signs the `x-amz-content-sha256` header the viewer request carries. So this
 * function computes that hash from the body's raw bytes and sets it, overwriting any client value.
 * It runs with IncludeBody; it has no environment (Lambda@Edge allows none) and no dependencies.
 */
import { createHash } from "node:crypto";
import type { CloudFrontRequestEvent, CloudFrontRequestResult, CloudFrontResultResponse } from "aws-lambda";

const HASH_HEADER = "x-amz-content-sha256";
/** Methods whose requests carry a payload; Lambda needs its hash signed even when it is empty. */
const PAYLOAD_METHODS = new Set(["POST", "PUT", "PATCH"]);

/** What CloudFront answers when the body is over what Lambda@Edge receives (1 MB for origin requests). */
function tooLarge(): CloudFrontResultResponse {
  return {
    status: "413",
    statusDescription: "Payload Too Large",
    headers: {
      "content-type": [{ key: "Content-Type", value: "application/json" }],
      "cache-control": [{ key: "Cache-Control", value: "no-store" }],
    },
    body: JSON.stringify({
      error: {
        code: "payload_too_large",
        message: "The request body is too large to forward; send less than 1 MB.",
      },
    }),
  };
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
  const hasBody = Boolean(body?.data) || PAYLOAD_METHODS.has(request.method.toUpperCase());
  if (!hasBody) return request;
  const bytes = body ? bodyBytes(body) : Buffer.alloc(0);
  const hash = createHash("sha256").update(bytes).digest("hex");
  request.headers[HASH_HEADER] = [{ key: HASH_HEADER, value: hash }];
  return request;
}
