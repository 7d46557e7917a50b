import { defineConfig } from "vitest/config";
import base from "../../vitest.config";

/** `npm run bench:layers`: the layer benchmark alone, with the test suite's module resolution. */
export default defineConfig({
  ...base,
  test: { ...base.test, include: ["scripts/bench/layers.ts"], maxWorkers: 1 },
});
