import {
  AppRouterContext,
  type AppRouterInstance,
} from "next/dist/shared/lib/app-router-context.shared-runtime";
import { renderToString } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { readRunSnapshot } from "@/lib/runs/run-snapshot";
import { runOfflineToEnd } from "@/lib/runs/testing/offline-run";
import { describeWorkflowById } from "@/lib/workflows/describe";
import { toRunViewWorkflow } from "@/lib/workflows/description";
import { RunView } from "./run-view";

/** A finished run as the server renders its page: the markup a browser without JavaScript gets. */
/** Next's app router as a page has it; rendering a page must not navigate anywhere. */
const noNavigation = new Proxy({} as AppRouterInstance, {
  get: (_router, method) => () => {
    throw new Error(`rendering the page called router.${String(method)}`);
  },
});

async function renderedRun(workflowId: string, share = 1) {
  const all = (await runOfflineToEnd(workflowId, "Two days in Porto")).map(({ chunk }) => chunk);
  const chunks = all.slice(0, Math.floor(all.length * share));
  const store = {
    readEvents: async (_runId: string, after: number) =>
      chunks.slice(after).map((chunk, index) => ({ seq: after + index + 1, json: JSON.stringify(chunk) })),
  };
  const message = await readRunSnapshot(store, `run-${workflowId}`, { pageSize: 100_000 });
  const workflow = await describeWorkflowById(workflowId);
  if (!workflow || !message) throw new Error("no workflow or run");
  const html = renderToString(
    <AppRouterContext.Provider value={noNavigation}>
      <RunView
        workflow={toRunViewWorkflow(workflow)}
        model={{ provider: "offline", id: "offline", label: "Offline" }}
        initialRunId={`run-${workflowId}`}
        initialMessage={message}
      />
    </AppRouterContext.Provider>,
  );
  return { html, chunks };
}

describe("a finished run's page, rendered on the server", () => {
  it("has its steps as folded disclosures, its timeline, totals and result, and no prompt to press Run", async () => {
    const { html, chunks } = await renderedRun("trip-planner");
    const steps = new Set(chunks.flatMap((chunk) => (chunk.type === "data-step" ? [chunk.id] : [])));
    expect(html.match(/data-testid="step-card"/g)).toHaveLength(steps.size);
    expect(html.match(/data-testid="waterfall-bar"/g)).toHaveLength(steps.size);
    expect(html.match(/<details[^>]*data-testid="step-details"/g)).toHaveLength(steps.size);
    // Finished, every step is folded (no `open`), and what it was given is there to unfold.
    expect(html).not.toMatch(/<details[^>]*open=""[^>]*data-testid="step-details"/);
    expect(html).toContain("What this step was given");
    expect(html).toMatch(/id="run-result"[^>]*tabindex="-1"|tabindex="-1"[^>]*id="run-result"/);
    expect(html).toContain('data-testid="jump-to-result"');
    expect(html).toMatch(/data-testid="run-status" data-status="done"/);
    expect(html).not.toMatch(/data-testid="run-tokens">0 in · 0 out/);
    expect(html).not.toContain("Press Run to watch");
    expect(html).not.toContain("Starting the run");
  });

  it("shows a run still going as stored so far, its running steps open, and no lost connection", async () => {
    const { html } = await renderedRun("trip-planner", 0.5);
    expect(html).toMatch(/data-testid="run-status" data-status="running"/);
    expect(html).toMatch(/data-status="running"[^>]*>(<[^>]*>)*?<details open=""/);
    expect(html).not.toContain('data-testid="run-resuming"');
    expect(html).not.toContain('data-testid="run-result"');
    expect(html).not.toContain("Press Run to watch");
  });
});
