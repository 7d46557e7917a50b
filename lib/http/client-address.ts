import type { ServerEnv } from "@/lib/env";

/**
 * The header in which the server's own request hook (lib/server/peer-address.ts) puts the TCP
 * peer's address, overwriting whatever a client sent under that name.
 */
export const PEER_ADDRESS_HEADER = "x-stepstream-peer";

type AddressEnv = Pick<ServerEnv, "BEHIND_CLOUDFRONT" | "CLIENT_ADDRESS_FROM">;

/**
 * The network address a request comes from, for the per-address run limit. Behind CloudFront it
 * is X-Viewer-Address, which our CloudFront Function (edge/original-host.js) sets from the viewer's
 * IP on every request, overwriting any client value (the origin request policy does not forward
 * CloudFront's own CloudFront-Viewer-Address).
 * Elsewhere it is the socket's peer, unless the operator says a proxy of theirs appends the
 * client to X-Forwarded-For (then its last hop, the one that proxy added). X-Forwarded-For is
 * never trusted otherwise: any client can write it.
 */
export function clientAddress(request: Request, env: AddressEnv): string {
  if (env.BEHIND_CLOUDFRONT) {
    const viewer = request.headers.get("x-viewer-address");
    if (viewer) return viewer;
  } else if (env.CLIENT_ADDRESS_FROM === "x-forwarded-for") {
    const last = request.headers.get("x-forwarded-for")?.split(",").at(-1)?.trim();
    if (last) return last;
  }
  return request.headers.get(PEER_ADDRESS_HEADER) ?? "unknown";
}
