import type * as Aws from "@pulumi/aws";
import { parseInferenceProfileId } from "./model-access.ts";
import { KEEP_NAME, physicalName, type StackIdentity } from "./naming.ts";
import type { StackSettings } from "./settings.ts";

/** Cost Explorer's service for Bedrock's own charges (first-party models, guardrails and the like). */
export const BEDROCK_SERVICE = "Amazon Bedrock";

/**
 * Third-party models on Bedrock are billed through AWS Marketplace, each under a service of its
 * own: Claude Haiku 4.5's tokens appear as "Claude Haiku 4.5 (Amazon Bedrock Edition)", not under
 * "Amazon Bedrock", so a budget filtered on "Amazon Bedrock" alone reads $0 while the model bills.
 */
const MARKETPLACE_SERVICES: Record<string, string> = {
  "anthropic.claude-haiku-4-5-20251001-v1:0": "Claude Haiku 4.5 (Amazon Bedrock Edition)",
};

/** The Cost Explorer services a model's spend appears under, or undefined when not known here. */
export function bedrockBillingServices(modelId: string): string[] | undefined {
  const model = parseInferenceProfileId(modelId)?.model ?? modelId;
  const marketplace = MARKETPLACE_SERVICES[model];
  return marketplace ? [BEDROCK_SERVICE, marketplace] : undefined;
}

/** Alerts at 80 % of the month's limit spent, and when the month is forecast to pass it. */
export const SPEND_ALERTS = [
  { threshold: 80, notificationType: "ACTUAL" },
  { threshold: 100, notificationType: "FORECASTED" },
] as const;

/**
 * A monthly AWS Budgets cost budget over the model's Bedrock spend that emails the team. A
 * backstop, not a limit: Budgets refreshes a few times a day and stops nothing. It counts the
 * account's spend on those services, whichever stage or app made it.
 */
export function createSpendAlarm(
  aws: typeof Aws,
  options: { name: string; identity: StackIdentity; spendAlarm: NonNullable<StackSettings["spendAlarm"]> },
): Aws.budgets.Budget {
  const { spendAlarm } = options;
  return new aws.budgets.Budget(
    `${options.name}SpendAlarm`,
    {
      name: physicalName(options.identity, "budget", "BedrockSpend"),
      budgetType: "COST",
      timeUnit: "MONTHLY",
      limitAmount: String(spendAlarm.monthlyUsd),
      limitUnit: "USD",
      costFilters: [{ name: "Service", values: spendAlarm.services }],
      notifications: SPEND_ALERTS.map((alert) => ({
        ...alert,
        comparisonOperator: "GREATER_THAN",
        thresholdType: "PERCENTAGE",
        subscriberEmailAddresses: [spendAlarm.email],
      })),
    },
    KEEP_NAME,
  );
}
