import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type EnvVariable, envVariables } from "../../lib/env.ts";
import { type ExternalEnvVariable, externalEnvVariables } from "../../lib/env-external.ts";

/**
 * What `npm run docs:config` writes: the configuration tables in docs/configuration.md (between
 * the markers) and .env.example, both from lib/env.ts and lib/env-external.ts, so neither can say
 * something the code does not.
 */
export const START_MARKER = "<!-- config-table:start: `npm run docs:config` writes this from lib/env.ts -->";
export const END_MARKER = "<!-- config-table:end -->";
const WRAP_AT = 100;

/** A default as the docs table shows it. */
function defaultCell(variable: EnvVariable): string {
  if (variable.defaultText) return variable.defaultText;
  const value = variable.defaultValue;
  if (value === undefined) return "unset";
  if (Array.isArray(value)) return value.length === 0 ? "empty" : `\`${value.join(",")}\``;
  return `\`${String(value)}\``;
}

function requiredCell(variable: EnvVariable): string {
  if (variable.requiredWhen) return `when ${variable.requiredWhen}`;
  return variable.optional ? "no" : "yes";
}

/** A table cell's text: a `|` would end the cell early. */
const cell = (text: string) => text.replaceAll("|", "\\|");

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.map(cell).join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

/** The generated part of docs/configuration.md: the app's settings, then the variables around it. */
export function renderConfigTables(
  variables: EnvVariable[],
  external: readonly ExternalEnvVariable[],
): string {
  const settings = table(
    ["variable", "default", "required", "secret", "what it does"],
    variables.map((variable) => [
      `\`${variable.name}\``,
      defaultCell(variable),
      requiredCell(variable),
      variable.secret ? "yes" : "no",
      variable.description,
    ]),
  );
  const around = table(
    ["variable", "set by", "read by"],
    external.map((variable) => [`\`${variable.name}\``, variable.setBy, variable.readBy]),
  );
  return [
    settings,
    "Not the app's settings, so `lib/env.ts` does not read them (they are listed in `lib/env-external.ts`):",
    around,
  ].join("\n\n");
}

/** `document` with the text between the markers replaced by `generated`. */
export function replaceBetweenMarkers(document: string, generated: string): string {
  const start = document.indexOf(START_MARKER);
  const end = document.indexOf(END_MARKER);
  if (start < 0 || end < start) {
    throw new Error(`docs/configuration.md needs the lines ${START_MARKER} and ${END_MARKER}, in that order`);
  }
  return `${document.slice(0, start + START_MARKER.length)}\n\n${generated}\n\n${document.slice(end)}`;
}

/** A comment wrapped to WRAP_AT columns, each line starting with `# `. */
function comment(text: string): string[] {
  const lines: string[] = [];
  let current = "#";
  for (const word of text.split(/\s+/)) {
    if (current.length > 1 && current.length + 1 + word.length > WRAP_AT) {
      lines.push(current);
      current = "#";
    }
    current += ` ${word}`;
  }
  return [...lines, current];
}

/** The value .env.example shows: the default where it is a plain value, else empty. */
function exampleValue(variable: EnvVariable): string {
  const value = variable.defaultValue;
  if (variable.defaultText || variable.secret || value === undefined) return "";
  return Array.isArray(value) ? value.join(",") : String(value);
}

/** .env.example: every variable lib/env.ts reads, with its comment. */
export function renderEnvExample(variables: EnvVariable[], external: readonly ExternalEnvVariable[]): string {
  const head = comment(
    "stepstream configuration, generated from lib/env.ts by `npm run docs:config`: edit the descriptions there. Copy this file to .env.local for `npm run dev`; docs/configuration.md explains each variable.",
  );
  const entries = variables.map((variable) => {
    const notes = [
      variable.defaultText ? `Default: ${variable.defaultText}.` : "",
      variable.requiredWhen ? `Required when ${variable.requiredWhen}.` : "",
      variable.secret ? "A secret: never commit it." : "",
    ].filter(Boolean);
    const text = [variable.description, ...notes].join(" ");
    return [...comment(text), `${variable.name}=${exampleValue(variable)}`].join("\n");
  });
  const others = comment(
    `Read by the programs around the app, not from this file (docs/configuration.md says by whom): ${external.map((variable) => variable.name).join(", ")}.`,
  );
  return `${[head.join("\n"), ...entries, others.join("\n")].join("\n\n")}\n`;
}

/** Markdown as Biome (the project's formatter) formats it, so the lint never fights the generator. */
export function formatMarkdown(root: string, path: string, text: string): string {
  return execFileSync(join(root, "node_modules", ".bin", "biome"), ["format", `--stdin-file-path=${path}`], {
    cwd: root,
    input: text,
    encoding: "utf8",
  });
}

/** Every file the generator writes, with the text it should have, for the repository at `root`. */
export function generatedConfigFiles(root: string): Record<string, string> {
  const variables = envVariables();
  const docPath = "docs/configuration.md";
  const doc = replaceBetweenMarkers(
    readFileSync(join(root, docPath), "utf8"),
    renderConfigTables(variables, externalEnvVariables),
  );
  return {
    [docPath]: formatMarkdown(root, docPath, doc),
    ".env.example": renderEnvExample(variables, externalEnvVariables),
  };
}
