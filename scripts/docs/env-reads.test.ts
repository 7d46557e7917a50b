import { describe, expect, it } from "vitest";
import { envReads } from "./env-reads";

describe("envReads", () => {
  it("finds reads by dot, by quoted index and by destructuring, with their lines", () => {
    const source = [
      'if (process.env.BENCH_ROUTES !== "1") return;',
      "const cwd = process.env['INIT_CWD'] ?? process.cwd();",
      'const { PORT, HOSTNAME: host = "0.0.0.0" } = process.env;',
    ].join("\n");
    expect(envReads(source)).toEqual([
      { name: "BENCH_ROUTES", line: 1 },
      { name: "INIT_CWD", line: 2 },
      { name: "PORT", line: 3 },
      { name: "HOSTNAME", line: 3 },
    ]);
  });

  it("reports a computed name or a rest binding as a read it cannot name", () => {
    const source = [
      "const value = process.env[`SST_SECRET_` + name];",
      "const { ...all } = process.env;",
    ].join("\n");
    expect(envReads(source)).toEqual([
      { name: undefined, line: 1 },
      { name: undefined, line: 2 },
    ]);
  });

  it("does not count handing the whole environment on", () => {
    const source = [
      "spawn(cmd, { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });",
      "const parsed = envSchema.safeParse(emptyAsUnset(process.env));",
      "Object.entries(process.env).filter(([name]) => name !== 'INIT_CWD');",
    ].join("\n");
    expect(envReads(source)).toEqual([]);
  });
});
