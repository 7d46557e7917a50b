import { bedrockStatements, type PolicyStatement } from "./model-access.ts";

export interface AppPolicyInput {
  logGroupArn: string;
  tableArn: string;
  modelId: string;
  region: string;
  accountId: string;
}

/**
 * What the DynamoDB store calls, and nothing more: it deletes only through BatchWriteItem, so
 * DeleteItem is not granted. Query covers the owner index (`index/*` in the statement below).
 */
export const RUNS_TABLE_ACTIONS = [
  "dynamodb:GetItem",
  "dynamodb:PutItem",
  "dynamodb:UpdateItem",
  "dynamodb:Query",
  "dynamodb:BatchWriteItem",
];

/** Everything the app's function may do: write its logs, call its model, use the runs table. */
export function appPolicyDocument(input: AppPolicyInput): {
  Version: "2012-10-17";
  Statement: PolicyStatement[];
} {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "WriteLogs",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: [`${input.logGroupArn}:*`],
      },
      ...bedrockStatements(input.modelId, input.region, input.accountId),
      {
        Sid: "RunsTable",
        Effect: "Allow",
        Action: RUNS_TABLE_ACTIONS,
        Resource: [input.tableArn, `${input.tableArn}/index/*`],
      },
    ],
  };
}

/** A role document that lets the named AWS services assume the role. */
export function trustPolicy(...services: string[]): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: services }, Action: "sts:AssumeRole" }],
  });
}
