import "server-only";
import { z } from "zod";

export const DEFAULT_BEDROCK_MODEL_ID = "us.anthropic.claude-haiku-4-5-20251001-v1:0";

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

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
    ALLOWED_ORIGINS: z
      .string()
      .default("")
      .transform((list) =>
        list
          .split(",")
          .map((origin) => origin.trim())
          .filter(Boolean),
      ),
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
