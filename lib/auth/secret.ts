import "server-only";
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { ServerEnv } from "@/lib/env";
import { defaultRunsDbPath } from "@/lib/runs/store/paths";

type SecretEnv = Pick<ServerEnv, "AUTH_SECRET" | "RUN_STORE" | "RUNS_DB_PATH">;

const holder = globalThis as typeof globalThis & { __stepstreamSessionKey?: Uint8Array };

/**
 * The key that signs session cookies: AUTH_SECRET when set (deployed, an SST secret). A laptop gets
 * one generated on first use and kept beside its run store (`auth-secret`, readable by its owner
 * only), so sessions outlive a restart. A deployed stack without it refuses to serve: every
 * instance must sign with the same key, and no instance may invent one.
 */
export function sessionKey(env: SecretEnv): Uint8Array {
  if (!holder.__stepstreamSessionKey) {
    holder.__stepstreamSessionKey = new TextEncoder().encode(env.AUTH_SECRET ?? localSecret(env));
  }
  return holder.__stepstreamSessionKey;
}

function localSecret(env: SecretEnv): string {
  if (env.RUN_STORE === "dynamodb") {
    throw new Error(
      'AUTH_SECRET is not set. Deployed, set it with `npx sst secret set AuthSecret "$(openssl rand -base64 32)"`; elsewhere, export a random string of at least 32 characters.',
    );
  }
  const path = join(dirname(env.RUNS_DB_PATH ?? defaultRunsDbPath()), "auth-secret");
  try {
    return readFileSync(path, "utf8").trim();
  } catch {
    mkdirSync(dirname(path), { recursive: true });
    try {
      writeFileSync(path, `${randomBytes(32).toString("base64url")}\n`, { mode: 0o600, flag: "wx" });
    } catch (error) {
      // Another process wrote it first: theirs is the one.
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    return readFileSync(path, "utf8").trim();
  }
}

/** Tests change the environment between cases; this forgets the key. */
export function resetSessionKeyForTests(): void {
  holder.__stepstreamSessionKey = undefined;
}
