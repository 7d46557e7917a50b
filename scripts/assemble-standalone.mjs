// Completes Next's standalone output so `node .next/standalone/server.js` serves everything:
// Next leaves the static assets and public/ out, expecting a CDN; locally the server serves them.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync } from "node:fs";

if (!existsSync(".next/standalone/server.js")) {
  console.error("No .next/standalone/server.js: run `next build` first.");
  process.exit(1);
}
cpSync(".next/static", ".next/standalone/.next/static", { recursive: true });
if (existsSync("public")) cpSync("public", ".next/standalone/public", { recursive: true });
// As the image's builder does: the entry point beside server.js and a filled compile cache, so the
// runner layout `npm run smoke:lambda` replays is the image's.
const warm = spawnSync(process.execPath, ["scripts/image/warm-compile-cache.mjs", ".next/standalone"], {
  stdio: "inherit",
});
if (warm.status !== 0) process.exit(warm.status ?? 1);
