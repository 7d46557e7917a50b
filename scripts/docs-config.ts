// Writes the configuration table in docs/configuration.md and .env.example from lib/env.ts.
// Run as `npm run docs:config`, which passes --conditions=react-server so lib/env.ts's
// `import "server-only"` resolves to the empty module it is on a server.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { generatedConfigFiles } from "./docs/config-docs.ts";

const root = join(import.meta.dirname, "..");
for (const [path, text] of Object.entries(generatedConfigFiles(root))) {
  const current = readFileSync(join(root, path), "utf8");
  if (current === text) {
    console.log(`${path}: up to date`);
  } else {
    writeFileSync(join(root, path), text);
    console.log(`${path}: written`);
  }
}
