// Type-checks sst.config.ts and infra/ against the types SST generates (.sst/platform), which
// `sst install` writes offline-friendly from the npm registry. Errors inside SST's own platform
// sources are SST's, not ours, and are counted but not failed on.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

if (!existsSync(".sst/platform/config.d.ts")) {
  execFileSync("npx", ["sst", "install"], {
    stdio: "inherit",
    env: {
      ...process.env,
      SST_STAGE: process.env.SST_STAGE || "typecheck",
      SST_SKIP_DEPENDENCY_CHECK: "1",
      SST_TELEMETRY_DISABLED: "1",
      SST_BUN_PATH: `${process.cwd()}/node_modules/.bin/bun`,
    },
  });
}
const result = spawnSync("npx", ["tsc", "--noEmit", "-p", "tsconfig.sst.json"], { encoding: "utf8" });
const errors = `${result.stdout}${result.stderr}`.split("\n").filter((line) => /error TS\d+/.test(line));
const ours = errors.filter((line) => !line.startsWith(".sst/"));
for (const line of ours) console.error(line);
console.log(
  `sst.config.ts and infra/: ${ours.length} type errors (${errors.length - ours.length} inside .sst/platform ignored)`,
);
if (ours.length > 0 || (result.status !== 0 && errors.length === 0)) process.exit(1);
