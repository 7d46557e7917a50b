import { randomBytes } from "node:crypto";

/**
 * Physical names for the stack's AWS resources. Left to itself the AWS provider names a resource
 * `<logical name>-<7 hex chars>`: no app or stage in it, and nothing fixed up, so an ECR
 * repository called `StepstreamRepository-1a2b3c4` is refused (ECR names are lowercase). Every
 * named resource here gets `<app>-<stage>-<name>-<8 random chars>` instead (the shape SST gives
 * its own resources), fitted to that kind's characters and length for any stage SST accepts
 * (letters, digits and hyphens) up to 40 characters. The random part keeps a replaced or retained
 * resource from colliding with its successor; `ignoreChanges: ["name"]` keeps it from changing on
 * every deploy. infra/names.test.ts checks every name against AWS's documented rules.
 */

export interface StackIdentity {
  /** The SST app's name (`$app.name`). */
  app: string;
  /** The SST stage (`$app.stage`): letters, digits and hyphens. */
  stage: string;
}

interface NameShape {
  maxLength: number;
  /** Characters the kind does not allow; each becomes a hyphen. */
  invalid: RegExp;
  /** ECR: lowercase only, and a separator never leads, trails or follows another. */
  strict?: boolean;
}

/** What each kind of name may hold; the full rules, with their sources, are in the tests. */
export const NAME_SHAPES = {
  ecrRepository: { maxLength: 256, invalid: /[^a-z0-9._-]/g, strict: true },
  iamRole: { maxLength: 64, invalid: /[^\w+=,.@-]/g },
  iamRolePolicy: { maxLength: 128, invalid: /[^\w+=,.@-]/g },
  lambdaFunction: { maxLength: 64, invalid: /[^a-zA-Z0-9_-]/g },
  cloudfrontFunction: { maxLength: 64, invalid: /[^a-zA-Z0-9_-]/g },
  originAccessControl: { maxLength: 64, invalid: /[^a-zA-Z0-9_-]/g },
  dynamodbTable: { maxLength: 255, invalid: /[^a-zA-Z0-9_.-]/g },
  responseHeadersPolicy: { maxLength: 128, invalid: /[^a-zA-Z0-9_-]/g },
  wafWebAcl: { maxLength: 128, invalid: /[^a-zA-Z0-9_-]/g },
  budget: { maxLength: 100, invalid: /[^a-zA-Z0-9_-]/g },
} satisfies Record<string, NameShape>;

export type NameKind = keyof typeof NAME_SHAPES;

const SUFFIX_CHARS = "abcdefghijkmnopqrstuvwxyz23456789";

function randomSuffix(length = 8): string {
  return [...randomBytes(length)].map((byte) => SUFFIX_CHARS[byte % SUFFIX_CHARS.length]).join("");
}

function clean(text: string, shape: NameShape): string {
  const replaced = (shape.strict ? text.toLowerCase() : text).replace(shape.invalid, "-");
  return shape.strict ? replaced.replace(/[._-]{2,}/g, "-").replace(/^[._-]+|[._-]+$/g, "") : replaced;
}

/**
 * `<app>-<stage>-<name>-<random>` for a resource of this kind. When that is too long the app and
 * stage are cut, never the resource's own name, so each resource stays recognisable.
 */
export function physicalName(
  identity: StackIdentity,
  kind: NameKind,
  name: string,
  suffix = randomSuffix(),
): string {
  const shape: NameShape = NAME_SHAPES[kind];
  const own = clean(name, shape);
  const room = shape.maxLength - own.length - suffix.length - 2;
  const prefix = clean(`${identity.app}-${identity.stage}`, shape)
    .slice(0, Math.max(0, room))
    .replace(/[^a-zA-Z0-9]+$/, "");
  const base = prefix ? `${prefix}-${own}` : own.slice(0, shape.maxLength - suffix.length - 1);
  return `${base}-${suffix}`;
}

/** The options that keep a generated name from changing on the next deploy. */
export const KEEP_NAME = { ignoreChanges: ["name"] };
