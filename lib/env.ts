import "server-only";
import { z } from "zod";

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** Every environment variable the server reads; `.env.example` documents each one. */
const envSchema = z
  .object({
    MODEL_PROVIDER: z.enum(["bedrock", "offline"]).optional(),
    BEDROCK_MODEL_ID: z.string().trim().min(1).optional(),
    AWS_REGION: z.string().trim().min(1).default("us-east-1"),
    BEDROCK_ENDPOINT_URL: z.url().optional(),
    MODEL_MAX_TOKENS: positiveInt(1024),
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
  }))
  .superRefine((env, ctx) => {
    if (env.RUN_STORE === "dynamodb" && !env.RUNS_TABLE) {
      ctx.addIssue({ code: "custom", path: ["RUNS_TABLE"], message: "RUN_STORE=dynamodb needs RUNS_TABLE" });
    }
    if (env.MODEL_PROVIDER === "bedrock" && !env.BEDROCK_MODEL_ID) {
      ctx.addIssue({
        code: "custom",
        path: ["BEDROCK_MODEL_ID"],
        message: "MODEL_PROVIDER=bedrock needs BEDROCK_MODEL_ID",
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
