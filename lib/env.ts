import "server-only";
import { z } from "zod";

export const DEFAULT_BEDROCK_MODEL_ID = "us.anthropic.claude-haiku-4-5-20251001-v1:0";

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);
/** A limit: a count, where 0 turns the limit off. */
const limit = (fallback: number) => z.coerce.number().int().min(0).default(fallback);
const flag = z.enum(["true", "false", "1", "0"]).transform((value) => value === "true" || value === "1");
const commaList = z
  .string()
  .default("")
  .transform((list) =>
    list
      .split(",")
      .map((item) => item.trim())
      .filter(Boolean),
  );

/** Every environment variable the server reads; `.env.example` documents each one. */
const envSchema = z
  .object({
    MODEL_PROVIDER: z.enum(["bedrock", "offline"]).optional(),
    BEDROCK_MODEL_ID: z.string().trim().min(1).optional(),
    AWS_REGION: z.string().trim().min(1).default("us-east-1"),
    BEDROCK_ENDPOINT_URL: z.url().optional(),
    MODEL_MAX_TOKENS: positiveInt(1024),
    /** Tries per node model call for failures worth retrying (throttling mid-stream, a stall). */
    MODEL_MAX_ATTEMPTS: positiveInt(3),
    /** A model stream silent for this long is abandoned (and retried). */
    MODEL_IDLE_TIMEOUT_MS: positiveInt(30_000),
    MODEL_PRICE_INPUT_PER_1K: z.coerce.number().min(0).optional(),
    MODEL_PRICE_OUTPUT_PER_1K: z.coerce.number().min(0).optional(),
    /** Input plus output tokens one run may use; 0 means no budget. */
    RUN_TOKEN_BUDGET: z.coerce.number().int().min(0).default(200_000),
    /** A run still going after this long is ended (below the Lambda timeout). */
    RUN_DEADLINE_MS: positiveInt(270_000),
    OFFLINE_TOKENS_PER_SECOND: z.coerce.number().min(0).default(40),
    HEARTBEAT_MS: positiveInt(10_000),
    RUN_STORE: z.enum(["sqlite", "dynamodb"]).default("sqlite"),
    RUNS_DB_PATH: z.string().trim().min(1).optional(),
    RUNS_TABLE: z.string().trim().min(3).optional(),
    DYNAMODB_ENDPOINT_URL: z.url().optional(),
    RUN_RETENTION_DAYS: positiveInt(30),
    RUN_LIVENESS_TIMEOUT_MS: positiveInt(15_000),
    /** A run waiting for a person's answer longer than this expires. */
    RUN_WAITING_TIMEOUT_MS: positiveInt(86_400_000),
    ALLOWED_ORIGINS: commaList,
    /** Host names the app answers for besides localhost and 127.0.0.1 (DNS rebinding defence). */
    ALLOWED_HOSTS: commaList,
    /**
     * Set by the deployed stack: requests come through CloudFront, so X-Original-Host (written by
     * the CloudFront Function) is the viewer's host, CloudFront-Viewer-Address the client's
     * address, and the viewer's connection is https. Never set it on a server reachable directly.
     */
    BEHIND_CLOUDFRONT: flag.default(false),
    /** Where a client's address comes from off CloudFront: the socket, or X-Forwarded-For's last hop. */
    CLIENT_ADDRESS_FROM: z.enum(["socket", "x-forwarded-for"]).default("socket"),
    /** Signs session cookies (at least 32 characters). Locally one is generated beside the run store. */
    AUTH_SECRET: z.string().min(32, "AUTH_SECRET must be at least 32 characters").optional(),
    AUTH_OIDC_ISSUER: z.url().optional(),
    AUTH_OIDC_CLIENT_ID: z.string().trim().min(1).optional(),
    AUTH_OIDC_CLIENT_SECRET: z.string().min(1).optional(),
    /** Only signed-in users may use the app (needs the OIDC settings). */
    AUTH_REQUIRED: flag.default(false),
    VISITOR_RUNS_PER_DAY: limit(25),
    VISITOR_TOKENS_PER_DAY: limit(250_000),
    VISITOR_CONCURRENT_RUNS: limit(2),
    CLIENT_RUNS_PER_DAY: limit(100),
    DAILY_TOKEN_LIMIT: limit(5_000_000),
  })
  .transform((env) => ({
    ...env,
    MODEL_PROVIDER: env.MODEL_PROVIDER ?? (env.BEDROCK_MODEL_ID ? "bedrock" : "offline"),
    // Claude Haiku 4.5 through the US cross-region inference profile: fast, cheap, widely enabled.
    BEDROCK_MODEL_ID: env.BEDROCK_MODEL_ID ?? DEFAULT_BEDROCK_MODEL_ID,
  }))
  .superRefine((env, ctx) => {
    if (env.RUN_STORE === "dynamodb" && !env.RUNS_TABLE) {
      ctx.addIssue({ code: "custom", path: ["RUNS_TABLE"], message: "RUN_STORE=dynamodb needs RUNS_TABLE" });
    }
    const oidc = [env.AUTH_OIDC_ISSUER, env.AUTH_OIDC_CLIENT_ID, env.AUTH_OIDC_CLIENT_SECRET];
    if (oidc.some(Boolean) && !oidc.every(Boolean)) {
      ctx.addIssue({
        code: "custom",
        path: ["AUTH_OIDC_ISSUER"],
        message: "set AUTH_OIDC_ISSUER, AUTH_OIDC_CLIENT_ID and AUTH_OIDC_CLIENT_SECRET together",
      });
    }
    if (env.AUTH_REQUIRED && !env.AUTH_OIDC_ISSUER) {
      ctx.addIssue({
        code: "custom",
        path: ["AUTH_REQUIRED"],
        message: "AUTH_REQUIRED=true needs AUTH_OIDC_*",
      });
    }
    if ((env.MODEL_PRICE_INPUT_PER_1K === undefined) !== (env.MODEL_PRICE_OUTPUT_PER_1K === undefined)) {
      ctx.addIssue({
        code: "custom",
        path: ["MODEL_PRICE_INPUT_PER_1K"],
        message: "set MODEL_PRICE_INPUT_PER_1K and MODEL_PRICE_OUTPUT_PER_1K together",
      });
    }
  });

export type ServerEnv = z.infer<typeof envSchema>;

let cached: ServerEnv | undefined;

/** The validated server environment, parsed on first use so a bad value fails loudly and early. */
export function serverEnv(): ServerEnv {
  if (!cached) {
    const parsed = envSchema.safeParse(emptyAsUnset(process.env));
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
      throw new Error(`Invalid environment: ${problems.join("; ")}`);
    }
    cached = parsed.data;
  }
  return cached;
}

/** Tests change the environment between cases; this forgets the parsed copy. */
export function resetServerEnvForTests(): void {
  cached = undefined;
}

function emptyAsUnset(source: NodeJS.ProcessEnv): Record<string, string> {
  const entries = Object.entries(source).filter((entry): entry is [string, string] => Boolean(entry[1]));
  return Object.fromEntries(entries);
}
