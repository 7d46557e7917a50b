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

/** What AWS would compute for a resource of this type: the outputs the stack reads back. */
function computedState(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> {
  const arn = `arn:aws:mock:us-east-1:${ACCOUNT}:${name}`;
  switch (type) {
    case "aws:lambda/function:Function":
      return {
        name,
        arn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${name}`,
        qualifiedArn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${name}:1`,
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
      return { arn: `arn:aws:cloudfront::${ACCOUNT}:function/${name}` };
    case "aws:dynamodb/table:Table":
      return { name: `${name}-table`, arn: `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/${name}-table` };
    case "aws:cloudwatch/logGroup:LogGroup":
      return {
        name: `/aws/lambda/${name}`,
        arn: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/lambda/${name}`,
      };
    case "aws:ecr/repository:Repository":
      return {
        name: name.toLowerCase(),
        registryId: ACCOUNT,
        repositoryUrl: `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/${name.toLowerCase()}`,
      };
    case "docker-build:index:Image": {
      const tags = inputs.tags as string[] | undefined;
      const digest = "sha256:4f0b2c1d3e5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c";
      return { digest, ref: `${tags?.[0]?.split(":")[0]}@${digest}` };
    }
    default:
      return { arn };
  }
}

/**
 * Installs Pulumi's mocks: every resource is recorded with the inputs the program gave it, and
 * gets the outputs AWS would compute. No engine, no provider plugin, no AWS.
 */
export function installPulumiMocks(): RecordedResource[] {
  const resources: RecordedResource[] = [];
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
