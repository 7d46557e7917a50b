import * as aws from "@pulumi/aws";
import * as dockerbuild from "@pulumi/docker-build";
import * as pulumi from "@pulumi/pulumi";

/**
 * The globals SST gives sst.config.ts (`$config`, `$dev`, `$app`, `aws`, `dockerbuild`, `$util`,
 * `$cli`, `sst.Secret`, `sst.x.DevCommand`), for running the config under Pulumi's mocks.
 *
 * `sst.Secret` is as strict as SST's own (platform/src/components/secret.ts, SST 4.17): its value
 * is `SST_SECRET_<name>` from the environment (where the SST CLI puts each secret set for the
 * stage) or the placeholder, and when neither is a string, resolving it throws SST's
 * SecretMissingError, inside the output. Nothing fails at construction; the program fails when
 * the value is resolved, as an unhandled rejection Pulumi's language host reports, whether or
 * not anything uses the value.
 */
export class VisibleError extends Error {
  constructor(...message: string[]) {
    super(message.join("\n"));
  }
}

export class SecretMissingError extends VisibleError {
  constructor(public readonly secretName: string) {
    super(`Set a value for ${secretName} with \`sst secret set ${secretName} <value>\``);
  }
}

export class FakeSecret {
  private readonly secretValue: pulumi.Output<string>;

  constructor(
    readonly secretName: string,
    placeholder?: pulumi.Input<string>,
  ) {
    const fromCli = process.env[`SST_SECRET_${secretName}`];
    this.secretValue = pulumi
      .output<string | undefined>(
        fromCli ?? (placeholder === undefined ? undefined : pulumi.output(placeholder)),
      )
      .apply((value) => {
        if (typeof value !== "string") throw new SecretMissingError(secretName);
        return value;
      });
  }

  get value(): pulumi.Output<string> {
    return pulumi.secret(this.secretValue);
  }
}

export interface FakeSst {
  devCommands: { name: string; args: Record<string, unknown> }[];
  secrets: FakeSecret[];
  globals: Record<string, unknown>;
}

export function installSstGlobals(projectRoot: string): FakeSst {
  const devCommands: FakeSst["devCommands"] = [];
  const secrets: FakeSecret[] = [];
  const globals = globalThis as Record<string, unknown>;
  Object.assign(globals, {
    $config: (config: unknown) => config,
    aws,
    dockerbuild,
    $util: pulumi,
    $cli: { paths: { root: projectRoot } },
    $app: { name: "stepstream", stage: "alice" },
    sst: {
      Secret: class extends FakeSecret {
        constructor(name: string, placeholder?: pulumi.Input<string>) {
          super(name, placeholder);
          secrets.push(this);
        }
      },
      x: {
        DevCommand: class {
          constructor(name: string, args: Record<string, unknown>) {
            devCommands.push({ name, args });
          }
        },
      },
    },
  });
  return { devCommands, secrets, globals };
}

export interface SstConfig {
  app(input: { stage: string }): Record<string, unknown>;
  run(): Promise<Record<string, pulumi.Output<string>>>;
}

/** sst.config.ts, imported by path so the app's type check does not pull in SST's platform sources. */
export async function importSstConfig(): Promise<SstConfig> {
  const path = new URL("../../sst.config.ts", import.meta.url).href;
  return ((await import(/* @vite-ignore */ path)) as { default: SstConfig }).default;
}

/**
 * Runs a program as Pulumi's language host does (@pulumi/pulumi cmd/run): an error that escapes
 * it as an unhandled rejection fails the deploy. Collects those errors instead of failing the
 * test run, by standing in for the test runner's own handler until the program has settled.
 */
export async function programErrors(program: () => Promise<unknown>, settleMs = 300): Promise<Error[]> {
  const errors: Error[] = [];
  const runnerHandlers = process.listeners("unhandledRejection");
  process.removeAllListeners("unhandledRejection");
  const languageHost = (reason: unknown) => errors.push(reason as Error);
  process.on("unhandledRejection", languageHost);
  try {
    await program().catch((error: Error) => errors.push(error));
    await new Promise((resolve) => setTimeout(resolve, settleMs));
  } finally {
    process.off("unhandledRejection", languageHost);
    for (const handler of runnerHandlers) process.on("unhandledRejection", handler);
  }
  return errors;
}
