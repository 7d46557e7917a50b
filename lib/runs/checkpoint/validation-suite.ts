import type { BaseCheckpointSaver } from "@langchain/langgraph-checkpoint";
import type { CheckpointSaverTestInitializer } from "@langchain/langgraph-checkpoint-validation";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, test } from "vitest";

/**
 * Registers LangChain's own conformance suite for a checkpointer (the one the official savers
 * run), with the opt-in getDeltaChannelHistory tests. The suite calls vitest's globals, which this
 * project keeps off: they are installed before the suite is imported, and only for it.
 */
export async function validateCheckpointer<Saver extends BaseCheckpointSaver>(
  initializer: CheckpointSaverTestInitializer<Saver>,
): Promise<void> {
  Object.assign(globalThis, { describe, it, test, expect, beforeAll, afterAll, beforeEach, afterEach });
  const { validate, deltaChannelHistoryTests } = await import("@langchain/langgraph-checkpoint-validation");
  validate(initializer);
  describe(initializer.checkpointerName, () => deltaChannelHistoryTests(initializer));
}
