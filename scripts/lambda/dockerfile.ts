/**
 * Reads the Dockerfile's stages into plans a script can replay without Docker: the builder stage
 * (its COPY and RUN lines, for `npm run smoke:image`) and the runner stage (for
 * `npm run smoke:lambda`). The plans come from the Dockerfile itself, so the smoke tests cannot
 * drift from the image: an instruction a reader cannot replay faithfully is an error, never
 * silently skipped.
 */

export interface Instruction {
  keyword: string;
  args: string;
  line: number;
}

export interface Stage {
  name: string;
  image: string;
  instructions: Instruction[];
}

/** A `COPY --from=<build stage>`: a path of the build's output copied into the image. */
export interface BuildCopy {
  source: string;
  destination: string;
}

/** A `COPY --from=<image>`: a file taken from another published image (Lambda Web Adapter). */
export interface ImageCopy {
  image: string;
  source: string;
  destination: string;
}

export interface RunnerPlan {
  /** The builder stage's WORKDIR: where the project sits inside the builder. */
  builderWorkdir: string;
  /** The runner's WORKDIR: the task root the server runs from. */
  workdir: string;
  env: Record<string, string>;
  buildCopies: BuildCopy[];
  imageCopies: ImageCopy[];
  /** Symlinks the builder made (`RUN ln -s`) inside what the runner copies, at their runner path. */
  symlinks: { target: string; path: string }[];
  user: string | undefined;
  exposedPort: number | undefined;
  command: string[];
}

/** Joins continuation lines, drops comments and the parser directives, keeps line numbers. */
export function parseDockerfile(text: string): { args: Record<string, string>; stages: Stage[] } {
  const args: Record<string, string> = {};
  const stages: Stage[] = [];
  const lines = text.split("\n");
  for (let index = 0; index < lines.length; index++) {
    const line = index + 1;
    let content = lines[index]?.trim() ?? "";
    if (!content || content.startsWith("#")) continue;
    while (content.endsWith("\\") && index + 1 < lines.length) {
      index++;
      const next = lines[index]?.trim() ?? "";
      content = `${content.slice(0, -1).trim()} ${next.startsWith("#") ? "" : next}`.trim();
    }
    const match = /^(\S+)\s*(.*)$/.exec(content);
    if (!match?.[1]) continue;
    const keyword = match[1].toUpperCase();
    const rest = match[2] ?? "";
    if (keyword === "FROM") {
      const from = /^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i.exec(rest);
      if (!from?.[1]) throw new Error(`Dockerfile line ${line}: cannot read FROM ${rest}`);
      stages.push({ image: from[1], name: from[2] ?? String(stages.length), instructions: [] });
    } else if (stages.length === 0) {
      if (keyword !== "ARG") throw new Error(`Dockerfile line ${line}: ${keyword} before the first FROM`);
      const [name, value = ""] = rest.split("=", 2);
      if (name) args[name.trim()] = value.trim();
    } else {
      stages.at(-1)?.instructions.push({ keyword, args: rest, line });
    }
  }
  return { args, stages };
}

/** Splits `A=1 B="two words"` into pairs; the legacy `ENV KEY value` form is refused. */
function parseEnv(args: string, line: number): [string, string][] {
  const pair = /\s*([A-Za-z_][A-Za-z0-9_]*)=(?:"([^"]*)"|([^\s"]*))/y;
  const pairs: [string, string][] = [];
  while (pair.lastIndex < args.length) {
    const match = pair.exec(args);
    if (!match?.[1]) throw new Error(`Dockerfile line ${line}: ENV must be KEY=value pairs, got "${args}"`);
    pairs.push([match[1], match[2] ?? match[3] ?? ""]);
  }
  if (pairs.length === 0) throw new Error(`Dockerfile line ${line}: ENV without a KEY=value pair`);
  return pairs;
}

function resolve(path: string, workdir: string): string {
  const joined = path.startsWith("/") ? path : `${workdir.replace(/\/$/, "")}/${path}`;
  const parts: string[] = [];
  for (const part of joined.split("/")) {
    if (!part || part === ".") continue;
    if (part === "..") parts.pop();
    else parts.push(part);
  }
  return `/${parts.join("/")}`;
}

/** ARG, WORKDIR and ENV, which every stage reads the same way; false for any other instruction. */
function applyStageSetting(
  plan: { workdir: string; env: Record<string, string> },
  { keyword, args, line }: Instruction,
): boolean {
  if (keyword === "WORKDIR") plan.workdir = resolve(args, plan.workdir);
  else if (keyword === "ENV") for (const [name, value] of parseEnv(args, line)) plan.env[name] = value;
  return keyword === "ARG" || keyword === "WORKDIR" || keyword === "ENV";
}

/** The runner (last) stage as a plan; throws on any instruction the smoke test cannot replay. */
export function readRunnerPlan(text: string): RunnerPlan {
  const { stages } = parseDockerfile(text);
  const runner = stages.at(-1);
  if (!runner || stages.length < 2)
    throw new Error("The Dockerfile needs a builder stage and a runner stage");
  const stageNames = new Set(stages.slice(0, -1).map((stage) => stage.name));
  const builder = stages[0];
  const builderWorkdir = builder?.instructions.findLast((i) => i.keyword === "WORKDIR")?.args ?? "/";
  const plan: RunnerPlan = {
    builderWorkdir,
    workdir: "/",
    env: {},
    buildCopies: [],
    imageCopies: [],
    symlinks: [],
    user: undefined,
    exposedPort: undefined,
    command: [],
  };
  for (const instruction of runner.instructions) {
    if (applyStageSetting(plan, instruction)) continue;
    const { keyword, args, line } = instruction;
    switch (keyword) {
      case "COPY": {
        const copy = /^--from=(\S+)\s+(?:--chown=\S+\s+)?(\S+)\s+(\S+)$/.exec(args);
        if (!copy?.[1] || !copy[2] || !copy[3]) {
          throw new Error(`Dockerfile line ${line}: the runner may only COPY --from a stage or image`);
        }
        const destination = resolve(copy[3], plan.workdir);
        if (stageNames.has(copy[1])) {
          plan.buildCopies.push({ source: resolve(copy[2], builderWorkdir), destination });
        } else {
          plan.imageCopies.push({ image: copy[1], source: copy[2], destination });
        }
        break;
      }
      case "RUN":
        // A RUN in the runner executes on the target architecture: an x86 build machine would
        // need QEMU to build the arm64 image. Whatever it would do belongs in the builder.
        throw new Error(
          `Dockerfile line ${line}: the runner stage may not RUN anything; do it in the builder`,
        );
      case "USER":
        plan.user = args;
        break;
      case "EXPOSE":
        plan.exposedPort = Number.parseInt(args, 10);
        break;
      case "CMD": {
        const command: unknown = JSON.parse(args);
        if (!Array.isArray(command) || !command.every((part) => typeof part === "string")) {
          throw new Error(`Dockerfile line ${line}: CMD must be in exec form, ["node", "start.mjs"]`);
        }
        plan.command = command;
        break;
      }
      default:
        throw new Error(
          `Dockerfile line ${line}: the smoke test cannot replay ${keyword} in the runner stage`,
        );
    }
  }
  if (plan.command.length === 0) throw new Error("The runner stage has no CMD");
  plan.symlinks = builderSymlinks(builder, plan.buildCopies);
  return plan;
}

/** The builder's `RUN ln -s` links that a runner COPY carries, mapped to where they land. */
function builderSymlinks(
  builder: Stage | undefined,
  copies: BuildCopy[],
): { target: string; path: string }[] {
  const links: { target: string; path: string }[] = [];
  let workdir = "/";
  for (const { keyword, args } of builder?.instructions ?? []) {
    if (keyword === "WORKDIR") workdir = resolve(args, workdir);
    const link = keyword === "RUN" ? /^ln -s (\S+) (\S+)$/.exec(args) : null;
    if (!link?.[1] || !link[2]) continue;
    const path = resolve(link[2], workdir);
    const copy = copies.find((c) => path === c.source || path.startsWith(`${c.source}/`));
    if (copy) links.push({ target: link[1], path: `${copy.destination}${path.slice(copy.source.length)}` });
  }
  return links;
}

/** One step of the builder stage, in order: a COPY from the build context, or a RUN. */
export type BuilderStep =
  | { kind: "copy"; sources: string[]; destination: string; line: number }
  | { kind: "run"; command: string; line: number };

export interface BuilderPlan {
  workdir: string;
  env: Record<string, string>;
  steps: BuilderStep[];
}

/**
 * The builder (first) stage as a plan: WORKDIR, ENV, COPY from the build context and shell-form
 * RUN; anything else (a COPY --from, ADD, a RUN with mounts) is refused.
 */
export function readBuilderPlan(text: string): BuilderPlan {
  const builder = parseDockerfile(text).stages[0];
  if (!builder) throw new Error("The Dockerfile has no stage");
  const plan: BuilderPlan = { workdir: "/", env: {}, steps: [] };
  for (const instruction of builder.instructions) {
    if (applyStageSetting(plan, instruction)) continue;
    const { keyword, args, line } = instruction;
    switch (keyword) {
      case "COPY": {
        const parts = args
          .split(/\s+/)
          .filter((part) => !part.startsWith("--chown=") && !part.startsWith("--chmod="));
        if (parts.some((part) => part.startsWith("--")) || parts.length < 2) {
          throw new Error(`Dockerfile line ${line}: the builder may only COPY from the build context`);
        }
        const destination = resolve(parts.at(-1) ?? ".", plan.workdir);
        plan.steps.push({ kind: "copy", sources: parts.slice(0, -1), destination, line });
        break;
      }
      case "RUN":
        if (args.startsWith("--") || args.startsWith("[")) {
          throw new Error(`Dockerfile line ${line}: the builder's RUN must be in shell form without flags`);
        }
        plan.steps.push({ kind: "run", command: args, line });
        break;
      default:
        throw new Error(
          `Dockerfile line ${line}: the image smoke test cannot replay ${keyword} in the builder`,
        );
    }
  }
  return plan;
}
