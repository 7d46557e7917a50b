import { isValidElement, type ReactNode } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { GraphDiagram } from "./graph-diagram";
import { layoutGraph } from "./layout-graph";
import { registryGraphs } from "./test-graphs.test-support";

const registry = await registryGraphs();

describe("a step in the diagram", () => {
  const articleWriter = registry.get("article-writer");
  if (!articleWriter) throw new Error("The article writer is not in the registry");
  const layout = layoutGraph(articleWriter);
  const steps = layout.nodes.filter((node) => !node.terminal).map((node) => node.id);

  it("is a picture only, with no controls, when nothing listens for a choice", () => {
    const markup = renderToStaticMarkup(<GraphDiagram graph={layout} title="Article writer graph" />);
    expect(markup).toMatch(/^<svg[^>]* role="img" aria-label="Article writer graph"/);
    expect(markup).not.toContain('role="button"');
    expect(markup).not.toContain("tabindex");
  });

  it("is a focusable button named for its step when the page listens for a choice", () => {
    const markup = renderToStaticMarkup(
      <GraphDiagram graph={layout} title="Article writer graph" onSelectNode={() => {}} />,
    );
    // An image's parts are hidden from screen readers, so the buttons sit in a group instead.
    expect(markup).toMatch(/^<svg[^>]* role="group" aria-label="Article writer graph"/);
    const buttons = [...markup.matchAll(/<g [^>]*role="button"[^>]*>/g)].map(([tag]) => tag);
    expect(buttons).toHaveLength(steps.length);
    for (const step of steps) {
      expect(markup).toMatch(new RegExp(`<g [^>]*data-node="${step}"[^>]*role="button" tabindex="0"`));
      expect(markup).toContain(`aria-label="Show the ${step} step"`);
    }
    expect(markup).toContain("group-focus-visible:opacity-100");
  });

  it("reports its step on a click, Enter or Space, and not on other keys", () => {
    const chosen: string[] = [];
    const outline = stepElement(
      <GraphDiagram graph={layout} title="Article writer graph" onSelectNode={(id) => chosen.push(id)} />,
      "outline",
    );
    let prevented = 0;
    const press = (key: string) => outline.onKeyDown?.({ key, preventDefault: () => prevented++ });
    outline.onClick?.();
    press("Enter");
    press(" ");
    press("a");
    press("Tab");
    expect(chosen).toEqual(["outline", "outline", "outline"]);
    expect(prevented).toBe(2);
  });

  it("lights up with the run: running, done, and how many tasks ran", () => {
    const activity = new Map([
      ["outline", { status: "done" as const, tasks: 1 }],
      ["check", { status: "running" as const, tasks: 2 }],
    ]);
    const markup = renderToStaticMarkup(<GraphDiagram graph={layout} title="t" activity={activity} />);
    expect(markup).toMatch(/data-node="outline" data-status="done"/);
    expect(markup).toMatch(/data-node="check" data-status="running"/);
    expect(markup).toMatch(/data-node="draft" data-status="idle"/);
    expect(markup).toContain(">check ×2</text>");
    expect(markup).toContain('class="animate-pulse"');
  });
});

interface StepProps {
  onClick?: () => void;
  onKeyDown?: (event: { key: string; preventDefault: () => void }) => void;
}

/** The props of one step's `<g>`, found by rendering the element tree by hand (no DOM needed). */
function stepElement(tree: ReactNode, nodeId: string): StepProps {
  const visit = (node: ReactNode): StepProps | undefined => {
    if (Array.isArray(node)) return node.map(visit).find(Boolean);
    if (!isValidElement<Record<string, unknown>>(node)) return undefined;
    if (typeof node.type === "function")
      return visit((node.type as (props: unknown) => ReactNode)(node.props));
    if (node.type === "g" && node.props["data-node"] === nodeId) return node.props as StepProps;
    return visit(node.props.children as ReactNode);
  };
  const found = visit(tree);
  if (!found) throw new Error(`No step ${nodeId} in the diagram`);
  return found;
}
