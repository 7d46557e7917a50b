import "server-only";
import { z } from "zod";

export const DEFAULT_BEDROCK_MODEL_ID = "us.anthropic.claude-haiku-4-5-20251001-v1:0";

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);
/** A limit: a count, where 0 turns the limit off. */
const limit = (fallback: number) => z.coerce.number().int().min(0).default(fallback);
const flag = () =>
  z.enum(["true", "false", "1", "0"]).transform((value) => value === "true" || value === "1");
const commaList = () =>
  z
    .string()
    .default("")
    .transform((list) =>
      list
        .split(",")
        .map((item) => item.trim())
        .filter(Boolean),
    );

/**
 * How a variable is documented. docs/configuration.md's table and .env.example are generated from
 * these (`npm run docs:config`), and a test fails when the committed files differ.
 */
export interface EnvDoc {
  /** What it does, for people; inline Markdown (`code`) is fine. */
  description: string;
  /** The default, where the schema cannot say it (it is worked out when the server starts). */
  defaultText?: string;
  /** When it must be set; otherwise it is optional. */
  requiredWhen?: string;
  /** Holds a secret: keep it out of the repository, and never put it in a NEXT_PUBLIC_ variable. */
  secret?: true;
}

const envDocs = z.registry<EnvDoc>();

/** Every environment variable the server reads, each with its documentation. */
const envShape = z.object({
  MODEL_PROVIDER: z.enum(["bedrock", "offline"]).optional().register(envDocs, {
    description: "Which model runs the workflows: `bedrock` or `offline` (the embedded demo model).",
    defaultText: "`bedrock` if `BEDROCK_MODEL_ID` is set, else `offline`",
  }),
  BEDROCK_MODEL_ID: z
    .string()
    .trim()
    .min(1)
    .optional()
    .register(envDocs, {
      description: "The Bedrock model or cross-region inference-profile id; setting it selects Bedrock.",
      defaultText: `\`${DEFAULT_BEDROCK_MODEL_ID}\` (Claude Haiku 4.5, US inference profile)`,
    }),
  AWS_REGION: z.string().trim().min(1).default("us-east-1").register(envDocs, {
    description: "The region Bedrock is called in; credentials come from the default AWS provider chain.",
  }),
  BEDROCK_ENDPOINT_URL: z.url().optional().register(envDocs, {
    description: "Another Bedrock Runtime endpoint: a VPC endpoint, a gateway, a test server.",
  }),
  MODEL_MAX_TOKENS: positiveInt(1024).register(envDocs, {
    description: "The output cap every node's model call sets.",
  }),
  MODEL_MAX_ATTEMPTS: positiveInt(3).register(envDocs, {
    description:
      "Tries per node model call that failed after its stream began (throttled, broken off or stalled); the AWS SDK itself retries HTTP 429/500/503 before a stream starts.",
  }),
  MODEL_IDLE_TIMEOUT_MS: positiveInt(30_000).register(envDocs, {
    description: "A model stream silent this long (ms) is abandoned as stalled, and retried.",
  }),
  MODEL_PRICE_INPUT_PER_1K: z.coerce.number().min(0).optional().register(envDocs, {
    description: "The model's input price in US dollars per 1K tokens, for the cost of steps and runs.",
    defaultText: "the table in `lib/models/pricing.ts`",
    requiredWhen: "`MODEL_PRICE_OUTPUT_PER_1K` is set",
  }),
  MODEL_PRICE_OUTPUT_PER_1K: z.coerce.number().min(0).optional().register(envDocs, {
    description: "The model's output price in US dollars per 1K tokens.",
    defaultText: "the table in `lib/models/pricing.ts`",
    requiredWhen: "`MODEL_PRICE_INPUT_PER_1K` is set",
  }),
  RUN_TOKEN_BUDGET: z.coerce.number().int().min(0).default(200_000).register(envDocs, {
    description: "Input plus output tokens one run may use before it is ended; `0` = no budget.",
  }),
  RUN_DEADLINE_MS: positiveInt(270_000).register(envDocs, {
    description: "A run still going after this long (ms) is ended; keep it below the Lambda timeout (300 s).",
  }),
  OFFLINE_TOKENS_PER_SECOND: z.coerce.number().min(0).default(40).register(envDocs, {
    description: "How fast the offline model streams, in tokens per second; `0` = as fast as possible.",
  }),
  OFFLINE_STAMP_TOKENS: flag().default(false).register(envDocs, {
    description:
      "Benchmark only (`npm run bench` sets it): each offline token is the wall-clock time it was emitted at.",
  }),
  HEARTBEAT_MS: positiveInt(10_000).register(envDocs, {
    description:
      "A heartbeat is sent after this much silence (ms) on a run stream, so CloudFront (which cuts an origin silent for 30 s) never closes a quiet run.",
  }),
  RUN_STORE: z.enum(["sqlite", "dynamodb"]).default("sqlite").register(envDocs, {
    description: "Where runs are kept: `sqlite` (a file) or `dynamodb` (the deployed stack sets it).",
  }),
  RUNS_DB_PATH: z.string().trim().min(1).optional().register(envDocs, {
    description: "The SQLite file.",
    defaultText: "`.data/runs.db` in the folder `npm` was run from",
  }),
  RUNS_TABLE: z.string().trim().min(3).optional().register(envDocs, {
    description: "The DynamoDB runs table; the deployed stack sets it.",
    requiredWhen: "`RUN_STORE=dynamodb`",
  }),
  DYNAMODB_ENDPOINT_URL: z.url().optional().register(envDocs, {
    description: "Another DynamoDB endpoint: a local DynamoDB, a test server.",
  }),
  RUN_RETENTION_DAYS: positiveInt(30).register(envDocs, {
    description: "Days DynamoDB keeps a run before its TTL removes it.",
  }),
  RUN_LIVENESS_TIMEOUT_MS: positiveInt(15_000).register(envDocs, {
    description: "A running run whose server wrote nothing for this long (ms) shows as interrupted.",
  }),
  RUN_WAITING_TIMEOUT_MS: positiveInt(86_400_000).register(envDocs, {
    description: "A run waiting longer than this (ms) for a person's answer expires.",
  }),
  ALLOWED_ORIGINS: commaList().register(envDocs, {
    description: "Extra origins (comma-separated) allowed to start and stop runs, besides the app's own.",
  }),
  ALLOWED_HOSTS: commaList().register(envDocs, {
    description:
      "Host names (comma-separated) the app answers for besides `localhost`, `127.0.0.1` and `[::1]`, such as a custom domain; any other Host is refused (DNS rebinding).",
  }),
  BEHIND_CLOUDFRONT: flag().default(false).register(envDocs, {
    description:
      "The deployed stack sets `true`: requests come through CloudFront, so X-Original-Host and X-Viewer-Address (set by the CloudFront Function) are trusted, and cookies are Secure. Never set it on a server reachable directly: it would trust those headers from anyone.",
  }),
  CLIENT_ADDRESS_FROM: z.enum(["socket", "x-forwarded-for"]).default("socket").register(envDocs, {
    description:
      "Off CloudFront, where a client's address comes from: the `socket`, or `x-forwarded-for` (its last hop) behind a proxy of yours.",
  }),
  AUTH_SECRET: z.string().min(32, "AUTH_SECRET must be at least 32 characters").optional().register(envDocs, {
    description:
      "Signs session cookies: a random string of at least 32 characters. Deployed, the SST secret `AuthSecret`.",
    defaultText: "generated once in `.data/auth-secret`",
    secret: true,
  }),
  AUTH_OIDC_ISSUER: z.url().optional().register(envDocs, {
    description:
      "Sign-in with your OpenID Connect provider: its issuer URL. Register `<origin>/api/auth/callback` as the redirect URI.",
    requiredWhen: "any `AUTH_OIDC_*` or `AUTH_REQUIRED=true` is set",
  }),
  AUTH_OIDC_CLIENT_ID: z.string().trim().min(1).optional().register(envDocs, {
    description: "The OpenID Connect client id.",
    requiredWhen: "`AUTH_OIDC_ISSUER` is set",
  }),
  AUTH_OIDC_CLIENT_SECRET: z.string().min(1).optional().register(envDocs, {
    description: "The OpenID Connect client secret.",
    requiredWhen: "`AUTH_OIDC_ISSUER` is set",
    secret: true,
  }),
  AUTH_REQUIRED: flag().default(false).register(envDocs, {
    description: "Only signed-in users may use the app (an internal tool); needs the `AUTH_OIDC_*` settings.",
  }),
  VISITOR_RUNS_PER_DAY: limit(25).register(envDocs, {
    description: "Runs a visitor (a browser, or a signed-in user) starts per UTC day; `0` = off.",
  }),
  VISITOR_TOKENS_PER_DAY: limit(250_000).register(envDocs, {
    description: "Input plus output tokens of a visitor's runs per UTC day; `0` = off.",
  }),
  VISITOR_CONCURRENT_RUNS: limit(2).register(envDocs, {
    description: "A visitor's runs going at once; `0` = off.",
  }),
  CLIENT_RUNS_PER_DAY: limit(100).register(envDocs, {
    description: "Runs per client network address per UTC day; `0` = off.",
  }),
  DAILY_TOKEN_LIMIT: limit(5_000_000).register(envDocs, {
    description:
      "Tokens of all runs together per UTC day, the kill switch: past it new runs get 503 `service_paused` until midnight UTC; `0` = off.",
  }),
  BENCH_ROUTES: flag().default(false).register(envDocs, {
    description:
      "Benchmark only (`npm run bench` sets it): serves `/api/bench/stats` and `/api/bench/stream`, which otherwise answer 404.",
  }),
});

const envSchema = envShape
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

/** A variable as the docs show it: its documentation, and what the schema makes of it unset. */
export interface EnvVariable extends EnvDoc {
  name: string;
  /** Whether the server starts with it unset (some are needed only with another setting). */
  optional: boolean;
  /** The parsed value when unset, if the schema gives one. */
  defaultValue: unknown;
}

/** Every variable serverEnv() reads, in the schema's order, for the docs generator and its tests. */
export function envVariables(): EnvVariable[] {
  return Object.entries(envShape.shape).map(([name, schema]) => {
    const doc = envDocs.get(schema);
    if (!doc) throw new Error(`${name} in lib/env.ts has no documentation: add .register(envDocs, …)`);
    const unset = schema.safeParse(undefined);
    return { name, ...doc, optional: unset.success, defaultValue: unset.success ? unset.data : undefined };
  });
}

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
