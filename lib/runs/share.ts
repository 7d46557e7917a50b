import { randomBytes } from "node:crypto";

/** A share link's token: 192 random bits, unguessable, in the URL. */
export function newShareToken(): string {
  return randomBytes(24).toString("base64url");
}

/** The read-only page a share token opens. */
export function shareUrl(origin: string, token: string): string {
  return `${origin}/shared/${token}`;
}
