import { describe, expect, it } from "vitest";
import { bedrockStatements, parseInferenceProfileId } from "./model-access";

const ACCOUNT = "123456789012";
const INVOKE = ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"];

describe("Bedrock access for a model id", () => {
  it("grants a plain model id in its region only", () => {
    expect(bedrockStatements("anthropic.claude-3-5-haiku-20241022-v1:0", "us-west-2", ACCOUNT)).toEqual([
      {
        Sid: "InvokeModel",
        Effect: "Allow",
        Action: INVOKE,
        Resource: ["arn:aws:bedrock:us-west-2::foundation-model/anthropic.claude-3-5-haiku-20241022-v1:0"],
      },
    ]);
  });

  it("grants a cross-region profile, and its routed model only when reached through that profile", () => {
    const [profile, routed] = bedrockStatements("eu.amazon.nova-lite-v1:0", "eu-central-1", ACCOUNT);
    const profileArn = `arn:aws:bedrock:eu-central-1:${ACCOUNT}:inference-profile/eu.amazon.nova-lite-v1:0`;
    expect(profile?.Resource).toEqual([profileArn]);
    expect(routed).toMatchObject({
      Resource: ["arn:aws:bedrock:*::foundation-model/amazon.nova-lite-v1:0"],
      Condition: { StringEquals: { "bedrock:InferenceProfileArn": profileArn } },
    });
  });

  it("adds the region-less model ARN a global profile routes to", () => {
    const [, routed] = bedrockStatements(
      "global.anthropic.claude-sonnet-4-5-20250929-v1:0",
      "us-east-1",
      ACCOUNT,
    );
    expect(routed?.Resource).toEqual([
      "arn:aws:bedrock:*::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0",
      "arn:aws:bedrock:::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0",
    ]);
  });

  it("grants an ARN (application profile, provisioned throughput) as given", () => {
    const arn = `arn:aws:bedrock:us-east-1:${ACCOUNT}:application-inference-profile/abc123`;
    expect(bedrockStatements(arn, "us-east-1", ACCOUNT)).toEqual([
      { Sid: "InvokeModel", Effect: "Allow", Action: INVOKE, Resource: [arn] },
    ]);
  });

  it("tells profile ids from model ids by their geography prefix", () => {
    expect(parseInferenceProfileId("us.meta.llama3-3-70b-instruct-v1:0")).toEqual({
      prefix: "us",
      model: "meta.llama3-3-70b-instruct-v1:0",
    });
    expect(parseInferenceProfileId("amazon.titan-text-express-v1")).toBeUndefined();
    expect(parseInferenceProfileId("mistral")).toBeUndefined();
  });
});
