// Completes Next's standalone output so `node .next/standalone/server.js` serves everything:
// Next leaves the static assets and public/ out, expecting a CDN; locally the server serves them.
import { cpSync, existsSync } from "node:fs";

if (!existsSync(".next/standalone/server.js")) {
  console.error("No .next/standalone/server.js: run `next build` first.");
  process.exit(1);
}
cpSync(".next/static", ".next/standalone/.next/static", { recursive: true });
if (existsSync("public")) cpSync("public", ".next/standalone/public", { recursive: true });
