import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { type EnvVariable, envVariables, resetServerEnvForTests, serverEnv } from "@/lib/env";
import { externalEnvVariables } from "@/lib/env-external";
import {
  END_MARKER,
  generatedConfigFiles,
  renderConfigTables,
  renderEnvExample,
  replaceBetweenMarkers,
  START_MARKER,
} from "./config-docs";

const root = join(import.meta.dirname, "..", "..");

describe("the committed configuration docs", () => {
  it.each(Object.entries(generatedConfigFiles(root)))(
    "%s is what `npm run docs:config` writes",
    (path, text) => {
      const committed = readFileSync(join(root, path), "utf8");
      expect(committed, `${path} differs from lib/env.ts: run \`npm run docs:config\` and commit it`).toBe(
        text,
      );
    },
  );

  it("documents every variable lib/env.ts reads, and none twice", () => {
    const variables = envVariables();
    for (const variable of variables) expect(variable.description.length, variable.name).toBeGreaterThan(10);
    const names = [...variables, ...externalEnvVariables].map((variable) => variable.name);
    expect(new Set(names).size).toBe(names.length);
  });
});

describe(".env.example", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    resetServerEnvForTests();
  });

  it("sets only the defaults: the server reads it exactly as it reads no settings at all", () => {
    const assignments = readFileSync(join(root, ".env.example"), "utf8")
      .split("\n")
      .filter((line) => /^[A-Z0-9_]+=/.test(line))
      .map((line) => line.split("=", 2) as [string, string]);
    expect(assignments.map(([name]) => name)).toEqual(envVariables().map((variable) => variable.name));
    for (const [name] of assignments) vi.stubEnv(name, "");
    resetServerEnvForTests();
    const unset = serverEnv();
    for (const [name, value] of assignments) vi.stubEnv(name, value);
    resetServerEnvForTests();
    expect(serverEnv()).toEqual(unset);
  });
});

const variable = (overrides: Partial<EnvVariable>): EnvVariable => ({
  name: "EXAMPLE",
  description: "An example.",
  optional: true,
  defaultValue: undefined,
  ...overrides,
});

describe("rendering", () => {
  it("shows defaults, when a variable is required, secrets, and escapes a | in a cell", () => {
    const tables = renderConfigTables(
      [
        variable({ name: "LIMIT", defaultValue: 5, description: "Runs a or | b." }),
        variable({ name: "HOSTS", defaultValue: [] }),
        variable({ name: "TABLE", requiredWhen: "`STORE=db`" }),
        variable({ name: "KEY", secret: true, defaultText: "generated" }),
      ],
      [{ name: "PORT", setBy: "you", readBy: "Next.js" }],
    );
    expect(tables).toContain("| `LIMIT` | `5` | no | no | Runs a or \\| b. |");
    expect(tables).toContain("| `HOSTS` | empty | no | no |");
    expect(tables).toContain("| `TABLE` | unset | when `STORE=db` | no |");
    expect(tables).toContain("| `KEY` | generated | no | yes |");
    expect(tables).toContain("| `PORT` | you | Next.js |");
  });

  it("writes .env.example with wrapped comments and no value for a secret or computed default", () => {
    const example = renderEnvExample(
      [
        variable({ name: "LIMIT", defaultValue: 5, description: `${"word ".repeat(30)}end.` }),
        variable({ name: "KEY", secret: true, defaultValue: "not-shown" }),
        variable({ name: "MODE", defaultText: "worked out", defaultValue: "x" }),
      ],
      [],
    );
    for (const line of example.split("\n")) expect(line.length).toBeLessThanOrEqual(100);
    expect(example).toMatch(/\nLIMIT=5\n/);
    expect(example).toMatch(/A secret: never commit it\.\nKEY=\n/);
    expect(example).toMatch(/Default: worked out\.\nMODE=\n/);
  });

  it("replaces only what is between the markers, and refuses a document without them", () => {
    const document = `# Title\n\n${START_MARKER}\nold\n${END_MARKER}\n\nafter\n`;
    expect(replaceBetweenMarkers(document, "new")).toBe(
      `# Title\n\n${START_MARKER}\n\nnew\n\n${END_MARKER}\n\nafter\n`,
    );
    expect(() => replaceBetweenMarkers("# Title\n", "new")).toThrow(/needs the lines/);
  });
});
