import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
  devDependencies: Record<string, string>;
};

/** The platform package.json SST deploys with is embedded in its CLI binary. */
function sstPinned(name: string): string {
  const binaryPackage = readdirSync(join(root, "node_modules")).find((dir) =>
    /^sst-(linux|darwin|win32)-/.test(dir),
  );
  if (!binaryPackage) throw new Error("The SST CLI binary package is not installed");
  const binary = readFileSync(join(root, "node_modules", binaryPackage, "bin", "sst")).toString("latin1");
  const match = new RegExp(`"${name.replace("/", "\\/")}": "v?([0-9.]+)"`).exec(binary);
  if (!match?.[1]) throw new Error(`${name} is not pinned in the SST binary`);
  return match[1];
}

describe("the Pulumi packages the infra tests use", () => {
  it.each(["@pulumi/aws", "@pulumi/pulumi", "@pulumi/docker-build"])(
    "are the %s version SST deploys with",
    (name) => {
      expect(pkg.devDependencies[name]).toBe(sstPinned(name));
    },
  );

  it("match the provider versions sst.config.ts asks for", () => {
    const config = readFileSync(join(root, "sst.config.ts"), "utf8");
    expect(config).toContain(`aws: { version: "${pkg.devDependencies["@pulumi/aws"]}"`);
    expect(config).toContain(`"docker-build": "${pkg.devDependencies["@pulumi/docker-build"]}"`);
  });
});
