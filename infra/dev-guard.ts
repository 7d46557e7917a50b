import type * as Aws from "@pulumi/aws";
import type { StackIdentity } from "./naming.ts";

/** The tags the deployed app function carries, so `sst dev` can tell a deployed stage. */
export function deployedAppTags(identity: StackIdentity): Record<string, string> {
  return {
    "stepstream:app": identity.app,
    "stepstream:stage": identity.stage,
    "stepstream:part": "app-function",
  };
}

/** Stages SST protects: never run `sst dev` there. */
export const PROTECTED_STAGES = ["prod", "production"];

/**
 * `sst dev` runs the same Pulumi stack as `sst deploy`, declaring only the runs table: on a stage
 * that was deployed it would delete the image, function, CloudFront and all, and leave the site
 * down. This refuses that with a clear message before anything changes. A deployed stage is one
 * whose app function (tagged by the stack with `deployedAppTags`) exists.
 */
export async function refuseDevOnDeployedStage(aws: typeof Aws, identity: StackIdentity): Promise<void> {
  const personal = "run `npx sst dev --stage <your-name>` (a personal stage) instead";
  if (PROTECTED_STAGES.includes(identity.stage)) {
    throw new Error(
      `\`sst dev\` would replace the deployed "${identity.stage}" stack with a dev stack; ${personal}.`,
    );
  }
  let found: string[] = [];
  try {
    const result = await aws.resourcegroupstaggingapi.getResources({
      resourceTypeFilters: ["lambda:function"],
      tagFilters: Object.entries(deployedAppTags(identity)).map(([key, value]) => ({ key, values: [value] })),
    });
    found = (result.resourceTagMappingLists ?? []).map((mapping) => mapping.resourceArn);
  } catch (error) {
    // Without tag:GetResources the check cannot run; say so rather than block development.
    console.warn(
      `Could not check whether stage "${identity.stage}" was deployed: ${(error as Error).message}`,
    );
  }
  if (found.length > 0) {
    throw new Error(
      `Stage "${identity.stage}" is deployed (${found[0]}): \`sst dev\` there would delete its image, function and CloudFront distribution; ${personal}.`,
    );
  }
}
