// The image's entry point (CMD ["node", "start.mjs"]), copied beside server.js at build time.
// It turns on Node's module compile cache, filled when the image was built
// (scripts/image/warm-compile-cache.mjs), then starts the Next.js server.
//
// Node files its cache under a directory named after the Node version, the architecture, a hash of
// V8's flags and the uid of the process. The image was built as root, while Lambda runs it as a
// user of its own choosing and `docker run` as `node`, so the directory the builder filled is never
// the one this process looks for; and the task root is read-only, so Node cannot make its own.
// The image therefore carries `.node-compile-cache` as a link into /tmp, and this process links its
// own directory there to the one the builder filled. The cache's keys are paths relative to that
// directory (NODE_COMPILE_CACHE_PORTABLE), which a link within the task root leaves unchanged.
// Without a baked cache, or for another Node version or architecture, the server starts as usual.
import { mkdirSync, readdirSync, readlinkSync, symlinkSync } from "node:fs";
import { enableCompileCache } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = dirname(fileURLToPath(import.meta.url));
const BAKED = join(root, ".node-compile-cache-baked");
const LINK = join(root, ".node-compile-cache");

function linkBakedCompileCache() {
  if (process.env.NODE_DISABLE_COMPILE_CACHE === "1" || typeof process.getuid !== "function") return;
  let baked;
  let writable;
  try {
    baked = readdirSync(BAKED).find((name) => name.startsWith(`${process.version}-${process.arch}-`));
    writable = readlinkSync(LINK);
  } catch {
    return; // A build without a baked cache, or run outside the image's layout.
  }
  if (!baked) return;
  const mine = baked.replace(/-\d+$/, `-${process.getuid()}`);
  try {
    mkdirSync(writable, { recursive: true });
    symlinkSync(join(BAKED, baked), join(writable, mine));
  } catch (error) {
    if (error?.code !== "EEXIST") return;
  }
  enableCompileCache({ directory: LINK, portable: true });
}

linkBakedCompileCache();
await import("./server.js");
