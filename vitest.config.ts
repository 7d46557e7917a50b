import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  resolve: {
    alias: {
      "@/": here("./"),
      // `server-only` throws outside React's server bundles; under test every module is server-side.
      "server-only": here("./tests/support/server-only.ts"),
    },
  },
  test: {
    environment: "node",
    include: [
      "lib/**/*.test.ts",
      "edge/**/*.test.ts",
      "tests/**/*.test.ts",
      "scripts/**/*.test.ts",
      "infra/**/*.test.ts",
      "components/**/*.test.ts",
      "components/**/*.test.tsx",
    ],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // Server tests each start a real server process; two cores run two files at a time well.
    maxWorkers: 2,
  },
});
