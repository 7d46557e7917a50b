import "server-only";
import { serverEnv } from "@/lib/env";
import { publicOrigin } from "./host";

/** The origin the viewer sees, for a server component (which has headers, not a Request). */
export async function publicOriginOfPage(): Promise<string> {
  const { headers } = await import("next/headers");
  const incoming = await headers();
  const host = incoming.get("host") ?? "localhost";
  const protocol = incoming.get("x-forwarded-proto") === "https" ? "https" : "http";
  return publicOrigin(new Request(`${protocol}://${host}/`, { headers: incoming }), serverEnv());
}
