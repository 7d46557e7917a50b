import type * as Aws from "@pulumi/aws";
import { type AppSecrets, appEnvironment } from "./app-environment.ts";
import { appPolicyDocument, trustPolicy } from "./app-policy.ts";
import type { InfraDeps, Output } from "./deps.ts";
import { deployedAppTags } from "./dev-guard.ts";
import { KEEP_NAME, physicalName, type StackIdentity } from "./naming.ts";
import type { StackSettings } from "./settings.ts";

/**
 * The app's container image, built from the Dockerfile with Docker Buildx (as SST's own container
 * components do) and pushed to its own ECR repository. Lambda pins the pushed digest, so every
 * deploy of a changed image updates the function.
 */
export function createAppImage(
  { aws, pulumi, dockerbuild }: InfraDeps,
  options: {
    name: string;
    identity: StackIdentity;
    contextDir: string;
    architecture: StackSettings["architecture"];
  },
): { repository: Aws.ecr.Repository; imageUri: Output<string> } {
  const repository = new aws.ecr.Repository(
    `${options.name}Repository`,
    {
      // ECR names are lowercase; the provider's own `<logical name>-<hex>` would be refused.
      name: physicalName(options.identity, "ecrRepository", "app"),
      forceDelete: true,
      imageScanningConfiguration: { scanOnPush: true },
    },
    KEEP_NAME,
  );
  new aws.ecr.LifecyclePolicy(`${options.name}RepositoryLifecycle`, {
    repository: repository.name,
    policy: JSON.stringify({
      rules: [
        {
          rulePriority: 1,
          description: "Keep the last 10 images",
          selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: 10 },
          action: { type: "expire" },
        },
      ],
    }),
  });
  const auth = aws.ecr.getAuthorizationTokenOutput({ registryId: repository.registryId });
  const image = new dockerbuild.Image(`${options.name}Image`, {
    context: { location: options.contextDir },
    dockerfile: { location: `${options.contextDir}/Dockerfile` },
    platforms: [options.architecture === "arm64" ? "linux/arm64" : "linux/amd64"],
    push: true,
    buildOnPreview: false,
    tags: [pulumi.interpolate`${repository.repositoryUrl}:latest`],
    cacheFrom: [{ registry: { ref: pulumi.interpolate`${repository.repositoryUrl}:build-cache` } }],
    cacheTo: [
      {
        registry: {
          ref: pulumi.interpolate`${repository.repositoryUrl}:build-cache`,
          imageManifest: true,
          ociMediaTypes: true,
          mode: "max",
        },
      },
    ],
    registries: [
      { address: auth.proxyEndpoint, username: auth.userName, password: pulumi.secret(auth.password) },
    ],
  });
  // The digest, not the tag: Lambda pins exactly this image, and a new digest updates the function.
  return { repository, imageUri: pulumi.interpolate`${repository.repositoryUrl}@${image.digest}` };
}

export interface AppFunction {
  fn: Aws.lambda.Function;
  url: Aws.lambda.FunctionUrl;
  role: Aws.iam.Role;
  logGroup: Aws.cloudwatch.LogGroup;
}

/** The image Lambda behind Lambda Web Adapter, its least-privilege role, and its IAM-only streaming URL. */
export function createAppFunction(
  { aws, pulumi }: InfraDeps,
  options: {
    name: string;
    identity: StackIdentity;
    imageUri: Output<string>;
    table: Aws.dynamodb.Table;
    settings: StackSettings;
    secrets: AppSecrets;
  },
): AppFunction {
  const { name, identity, settings, table } = options;
  const functionName = physicalName(identity, "lambdaFunction", "App");
  const logGroup = new aws.cloudwatch.LogGroup(
    `${name}Logs`,
    // Lambda's own convention, so the logs sit where the console looks for them.
    { name: `/aws/lambda/${functionName}`, retentionInDays: settings.logRetentionDays },
    KEEP_NAME,
  );
  const role = new aws.iam.Role(
    `${name}Role`,
    {
      name: physicalName(identity, "iamRole", "AppRole"),
      assumeRolePolicy: trustPolicy("lambda.amazonaws.com"),
    },
    KEEP_NAME,
  );
  const accountId = aws.getCallerIdentityOutput().accountId;
  const policy = new aws.iam.RolePolicy(
    `${name}Policy`,
    {
      name: physicalName(identity, "iamRolePolicy", "AppPolicy"),
      role: role.id,
      policy: pulumi.all([logGroup.arn, table.arn, accountId]).apply(([logGroupArn, tableArn, account]) =>
        JSON.stringify(
          appPolicyDocument({
            logGroupArn,
            tableArn,
            modelId: settings.modelId,
            region: settings.region,
            accountId: account,
          }),
        ),
      ),
    },
    KEEP_NAME,
  );
  const fn = new aws.lambda.Function(
    `${name}Function`,
    {
      name: functionName,
      // How `sst dev` knows this stage is deployed (infra/dev-guard.ts).
      tags: deployedAppTags(identity),
      packageType: "Image",
      imageUri: options.imageUri,
      role: role.arn,
      architectures: [settings.architecture],
      memorySize: settings.memoryMb,
      timeout: settings.lambdaTimeoutSeconds,
      loggingConfig: { logFormat: "Text", logGroup: logGroup.name },
      // A ceiling as well as a reservation: a flood cannot run more copies than this. -1 is the
      // provider's "no reservation" (0 would stop the function from running at all).
      reservedConcurrentExecutions: settings.reservedConcurrency > 0 ? settings.reservedConcurrency : -1,
      environment: {
        variables: appEnvironment(settings, { tableName: table.name, secrets: options.secrets }),
      },
    },
    { dependsOn: [policy], ...KEEP_NAME },
  );
  const url = new aws.lambda.FunctionUrl(`${name}Url`, {
    functionName: fn.name,
    authorizationType: "AWS_IAM",
    invokeMode: "RESPONSE_STREAM",
  });
  return { fn, url, role, logGroup };
}
