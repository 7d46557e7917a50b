import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { MemorySaver } from "@langchain/langgraph";
import { afterAll, describe, expect, it } from "vitest";
import { createModelFactory } from "@/lib/models/factory";
import { type RunChunk, taskIdOfPart } from "@/lib/runs/contract";
import { executeRun } from "@/lib/runs/executor";
import type { WorkflowSpec } from "./types";

/**
 * docs/workflows.md's worked example, run as written: its code block is saved as a workflow file
 * beside the real ones, imported, and run through the executor on the offline model, paused for
 * its approval and resumed with an edit. The doc cannot drift from what works.
 */
const doc = readFileSync(new URL("../../docs/workflows.md", import.meta.url), "utf8");
const block = /```ts file=lib\/workflows\/release-notes\.ts\n([\s\S]*?)```/.exec(doc)?.[1];
const file = new URL(`./doc-example-${process.pid}.ts`, import.meta.url);

afterAll(() => rmSync(file, { force: true }));

describe("docs/workflows.md's example", () => {
  it("is one file that streams its steps and tokens, asks for approval, and goes on with the edit", async () => {
    expect(block).toBeDefined();
    writeFileSync(file, block ?? "");
    const module = (await import(/* @vite-ignore */ file.href)) as { releaseNotes: WorkflowSpec };
    const workflow = module.releaseNotes;
    expect(workflow).toMatchObject({ id: "release-notes", asksPeople: true });

    const models = await createModelFactory({
      MODEL_PROVIDER: "offline",
      OFFLINE_TOKENS_PER_SECOND: 0,
      MODEL_MAX_TOKENS: 1024,
      AWS_REGION: "us-east-1",
    });
    const checkpointer = new MemorySaver();
    const chunks: RunChunk[] = [];
    const base = {
      runId: "run-doc-example",
      workflow,
      input: "A dark mode",
      models,
      checkpointer,
      signal: new AbortController().signal,
      write: (chunk: RunChunk) => chunks.push(chunk),
    };
    const first = await executeRun(base);
    expect(first.kind).toBe("waiting");
    const questions = first.kind === "waiting" ? first.questions : [];
    expect(questions[0]).toMatchObject({
      node: "approve",
      question: "Publish these notes?",
      actions: ["approve", "edit"],
    });
    const second = await executeRun({
      ...base,
      resume: {
        value: { action: "edit", payload: { notes: "- Dark mode" } },
        interrupts: questions,
        segment: 1,
        startedAt: 0,
        usage: { inputTokens: 0, outputTokens: 0 },
      },
    });
    expect(second.kind).toBe("ended");

    const steps = chunks.flatMap((chunk) =>
      chunk.type === "data-step" && chunk.data.status === "done" ? [chunk.data] : [],
    );
    expect(steps.map((step) => step.node)).toEqual(["write", "approve", "title"]);
    // Both model nodes streamed tokens into their own steps.
    const streamed = new Set(
      chunks.flatMap((chunk) => (chunk.type === "text-start" ? [taskIdOfPart(chunk)] : [])),
    );
    for (const step of steps.filter((done) => done.node !== "approve"))
      expect(streamed.has(step.taskId)).toBe(true);
    const result = chunks.find((chunk) => chunk.type === "data-result");
    expect(result?.type === "data-result" && result.data.markdown).toMatch(/^# .+\n\n- Dark mode$/s);
    expect(chunks.at(-1)?.type).toBe("finish");
  });
});
