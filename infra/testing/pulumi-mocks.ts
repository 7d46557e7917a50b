import * as pulumi from "@pulumi/pulumi";

export const ACCOUNT = "123456789012";
export const FUNCTION_URL = "https://abcdefghijklmnopqrstuvwxyz012345.lambda-url.us-east-1.on.aws/";
export const DISTRIBUTION_DOMAIN = "d111111abcdef8.cloudfront.net";

export interface RecordedResource {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  /** The provider reference (`<urn>::<id>`) when the resource was given an explicit provider. */
  provider?: string;
  id: string;
  state: Record<string, unknown>;
}

/**
 * How the AWS provider names a resource given no name (pulumi-aws provider/autonaming.go and
 * resource_overrides.go, through the bridge's AutoName): the property it fills, and the longest
 * name it will make. The name is `<logical name>-<7 random lowercase hex characters>`; a logical
 * name too long for that is an error at preview, never truncated, and nothing is lowercased.
 */
export const PROVIDER_AUTONAMING: Record<string, { property: string; maxLength: number }> = {
  "aws:ecr/repository:Repository": { property: "name", maxLength: 255 },
  "aws:iam/role:Role": { property: "name", maxLength: 64 },
  "aws:iam/rolePolicy:RolePolicy": { property: "name", maxLength: 255 },
  "aws:lambda/function:Function": { property: "name", maxLength: 64 },
  "aws:lambda/permission:Permission": { property: "statementId", maxLength: 100 },
  "aws:cloudfront/function:Function": { property: "name", maxLength: 255 },
  "aws:cloudfront/originAccessControl:OriginAccessControl": { property: "name", maxLength: 255 },
  "aws:dynamodb/table:Table": { property: "name", maxLength: 255 },
  "aws:cloudwatch/logGroup:LogGroup": { property: "name", maxLength: 255 },
};

function randomHex(length: number): string {
  return Array.from({ length }, () => Math.floor(Math.random() * 16).toString(16)).join("");
}

/** The physical name the provider would use: the one given, or its own `<logical>-<hex>`. */
export function providerName(
  type: string,
  logicalName: string,
  inputs: Record<string, unknown>,
): string | undefined {
  const autonaming = PROVIDER_AUTONAMING[type];
  if (!autonaming) return undefined;
  const given = inputs[autonaming.property];
  if (typeof given === "string") return given;
  const prefix = `${logicalName}-`;
  if (prefix.length + 7 > autonaming.maxLength) {
    throw new Error(
      `could not make instance of '${type}': name '${prefix}' plus 7 random chars is longer than maximum length ${autonaming.maxLength}`,
    );
  }
  return `${prefix}${randomHex(7)}`;
}

/** What AWS would compute for a resource of this type: the outputs the stack reads back. */
function computedState(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> {
  const physical = providerName(type, name, inputs);
  const named = physical === undefined ? {} : { [PROVIDER_AUTONAMING[type]?.property ?? "name"]: physical };
  const arn = `arn:aws:mock:us-east-1:${ACCOUNT}:${physical ?? name}`;
  switch (type) {
    case "aws:lambda/function:Function":
      return {
        ...named,
        arn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${physical}`,
        qualifiedArn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${physical}:1`,
        version: "1",
      };
    case "aws:lambda/functionUrl:FunctionUrl":
      return { functionUrl: FUNCTION_URL, urlId: "abcdefghijklmnopqrstuvwxyz012345" };
    case "aws:cloudfront/distribution:Distribution":
      return {
        arn: `arn:aws:cloudfront::${ACCOUNT}:distribution/EDFDVBD6EXAMPLE`,
        domainName: DISTRIBUTION_DOMAIN,
      };
    case "aws:cloudfront/function:Function":
      return { ...named, arn: `arn:aws:cloudfront::${ACCOUNT}:function/${physical}` };
    case "aws:dynamodb/table:Table":
      return { ...named, arn: `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/${physical}` };
    case "aws:cloudwatch/logGroup:LogGroup":
      return { ...named, arn: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:${physical}` };
    case "aws:wafv2/webAcl:WebAcl":
      return { arn: `arn:aws:wafv2:us-east-1:${ACCOUNT}:global/webacl/${inputs.name}/a1b2c3d4` };
    case "aws:ecr/repository:Repository":
      return {
        ...named,
        registryId: ACCOUNT,
        repositoryUrl: `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/${physical}`,
      };
    case "docker-build:index:Image": {
      const tags = inputs.tags as string[] | undefined;
      const digest = "sha256:4f0b2c1d3e5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c";
      return { digest, ref: `${tags?.[0]?.split(":")[0]}@${digest}` };
    }
    default:
      return { ...named, arn };
  }
}

/**
 * Installs Pulumi's mocks: every resource is recorded with the inputs the program gave it, and
 * gets the outputs AWS would compute. No engine, no provider plugin, no AWS.
 */
export function installPulumiMocks(): RecordedResource[] {
  const resources: RecordedResource[] = [];
  /** The Resource Groups Tagging API over what this program created: Lambda functions by tag. */
  const taggedResources = (inputs: Record<string, unknown>) => {
    const filters = (inputs.tagFilters ?? []) as { key: string; values?: string[] }[];
    const types = (inputs.resourceTypeFilters ?? []) as string[];
    return resources
      .filter(
        (r) =>
          r.type === "aws:lambda/function:Function" &&
          (types.length === 0 || types.includes("lambda:function")),
      )
      .filter((r) => {
        const tags = (r.inputs.tags ?? {}) as Record<string, string>;
        return filters.every(
          (f) => f.key in tags && (!f.values?.length || f.values.includes(tags[f.key] ?? "")),
        );
      })
      .map((r) => ({ resourceArn: r.state.arn, tags: r.inputs.tags }));
  };
  pulumi.runtime.setMocks(
    {
      newResource(args) {
        const id = `${args.name}-id`;
        const state = { ...args.inputs, ...computedState(args.type, args.name, args.inputs) };
        resources.push({
          type: args.type,
          name: args.name,
          inputs: args.inputs,
          provider: args.provider,
          id,
          state,
        });
        return { id, state };
      },
      call(args) {
        switch (args.token) {
          case "aws:index/getCallerIdentity:getCallerIdentity":
            return {
              accountId: ACCOUNT,
              arn: `arn:aws:iam::${ACCOUNT}:user/deployer`,
              userId: "AIDAEXAMPLE",
            };
          case "aws:resourcegroupstaggingapi/getResources:getResources":
            return { id: "us-east-1", resourceTagMappingLists: taggedResources(args.inputs) };
          case "aws:ecr/getAuthorizationToken:getAuthorizationToken":
            return {
              userName: "AWS",
              password: "ecr-token",
              authorizationToken: "QVdTOmVjci10b2tlbg==",
              proxyEndpoint: `https://${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com`,
            };
          default:
            throw new Error(`Unmocked call ${args.token}`);
        }
      },
    },
    "stepstream",
    "test",
    false,
  );
  return resources;
}

/** Waits until the program has registered everything (registration is asynchronous). */
export async function settle(resources: RecordedResource[]): Promise<void> {
  let count = -1;
  while (count !== resources.length) {
    count = resources.length;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A secret input as the mocks receive it: Pulumi's secret wrapper (its signature) around the value. */
export function asSecret(value: unknown): Record<string, unknown> {
  return { [pulumi.runtime.specialSigKey]: pulumi.runtime.specialSecretSig, value };
}

/** Resolves an output's value (under mocks every output resolves). */
export function resolved<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply(resolve));
}

export function only(resources: RecordedResource[], type: string, nameIncludes = ""): RecordedResource {
  const matches = resources.filter((r) => r.type === type && r.name.includes(nameIncludes));
  if (matches.length !== 1) {
    throw new Error(
      `Expected one ${type} named *${nameIncludes}*, found ${matches.map((r) => r.name).join(", ") || "none"}`,
    );
  }
  return matches[0] as RecordedResource;
}
