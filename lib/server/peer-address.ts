import { subscribe } from "node:diagnostics_channel";
import type { IncomingMessage } from "node:http";
import type { Socket } from "node:net";
import { PEER_ADDRESS_HEADER } from "@/lib/http/client-address";

let installed = false;

/**
 * Route handlers see a Web Request, without the socket it came on. Node announces every request
 * on the `http.server.request.start` diagnostics channel before the server handles it: this puts
 * the socket's peer address into a header of ours there, replacing any value a client sent.
 */
export function installPeerAddressHeader(): void {
  if (installed) return;
  installed = true;
  subscribe("http.server.request.start", (message) => {
    const { request, socket } = message as { request: IncomingMessage; socket: Socket };
    request.headers[PEER_ADDRESS_HEADER] = socket.remoteAddress ?? "unknown";
  });
}
