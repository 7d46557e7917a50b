import { describe, expect, it } from "vitest";
import type { WorkflowGraph } from "@/lib/workflows/description";
import { edgePath, nodeOrder } from "./diagram";
import { layoutGraph } from "./layout-graph";
import { samplePath } from "./svg-geometry.test-support";
import { graphOf, registryGraphs, synthetic } from "./test-graphs.test-support";

const registry = await registryGraphs();
const graphs: [string, WorkflowGraph][] = [...registry, ...Object.entries(synthetic)];
const builtIn = (id: string): WorkflowGraph => {
  const graph = registry.get(id);
  if (!graph) throw new Error(`${id} is not in the registry`);
  return graph;
};

describe.each(graphs)("the layout of %s", (_name, graph) => {
  const layout = layoutGraph(graph);

  it("keeps the declared order of the steps within each rank", () => {
    const declared = graph.nodes.map((node) => node.id);
    for (const rank of new Set(layout.nodes.map((node) => node.rank))) {
      const leftToRight = layout.nodes
        .filter((node) => node.rank === rank && !node.terminal)
        .sort((a, b) => a.x - b.x)
        .map((node) => node.id);
      expect(leftToRight).toEqual(declared.filter((id) => leftToRight.includes(id)));
    }
  });

  it("numbers its ranks from the top without gaps, the start alone in the first", () => {
    const ranks = [...new Set(layout.nodes.map((node) => node.rank))].sort((a, b) => a - b);
    expect(ranks).toEqual(ranks.map((_, index) => index));
    expect(layout.nodes.filter((node) => node.rank === 0).map((node) => node.id)).toEqual(["__start__"]);
    for (const node of layout.nodes) {
      const above = layout.nodes.filter((other) => other.rank < node.rank);
      expect(above.every((other) => other.y < node.y)).toBe(true);
    }
  });

  it("is the same every time, and laid out once per graph", () => {
    expect(layoutGraph(structuredClone(graph))).toEqual(layout);
    expect(layoutGraph(graph)).toBe(layout);
  });

  it("reads every step once in nodeOrder, by rank and then from the left", () => {
    const order = nodeOrder(layout);
    const steps = graph.nodes.map((node) => node.id).filter((id) => !id.startsWith("__"));
    expect([...order].sort()).toEqual([...steps].sort());
    const placed = order.map((id) => layout.nodes.find((node) => node.id === id));
    placed.slice(1).forEach((node, index) => {
      const before = placed[index];
      if (!node || !before) throw new Error("a step went missing");
      expect(before.rank < node.rank || (before.rank === node.rank && before.x < node.x)).toBe(true);
    });
  });
});

describe("the reading order of the built-in workflows", () => {
  it("puts the trip planner's parallel steps in their declared order, as the cards should be", () => {
    expect(nodeOrder(layoutGraph(builtIn("trip-planner")))).toEqual([
      "lodging",
      "activities",
      "food",
      "itinerary",
    ]);
  });

  it("reads the article writer's loop step before the way out of it", () => {
    expect(nodeOrder(layoutGraph(builtIn("article-writer")))).toEqual([
      "outline",
      "check",
      "revise",
      "draft",
      "polish",
    ]);
  });
});

describe("loops", () => {
  it("marks the edge that goes back up, and only that one, as backward", () => {
    const backward = layoutGraph(builtIn("article-writer"))
      .edges.filter((edge) => edge.backward)
      .map((edge) => `${edge.source}->${edge.target}`);
    expect(backward).toEqual(["revise->check"]);
  });

  it("draws a loop from a step to itself beside its box, leaving and returning on its side", () => {
    const layout = layoutGraph(graphOf("__start__ -> retry", "retry ?> retry", "retry -> __end__"));
    const retry = layout.nodes.find((node) => node.id === "retry");
    const loop = layout.edges.find((edge) => edge.source === "retry" && edge.target === "retry");
    if (!retry || !loop) throw new Error("the loop is not laid out");
    expect(loop.backward).toBe(true);
    const side = retry.x + retry.width / 2;
    expect(loop.points[0]?.x).toBe(side);
    expect(loop.points.at(-1)?.x).toBe(side);
    expect(Math.min(...loop.points.map((point) => point.x))).toBe(side);
  });
});

describe("edgePath", () => {
  it("draws two points as a straight line", () => {
    expect(
      edgePath([
        { x: 1, y: 2 },
        { x: 3, y: 4 },
      ]),
    ).toBe("M1,2 L3,4");
  });

  it("curves through a route from its first point to its last, never outside the route's bounds", () => {
    const route = [
      { x: 10, y: 10 },
      { x: 40, y: 30 },
      { x: 40, y: 90 },
      { x: 10, y: 110 },
    ];
    const samples = samplePath(edgePath(route));
    expect(samples[0]).toEqual(route[0]);
    expect(samples.at(-1)).toEqual(route.at(-1));
    for (const point of samples) {
      expect(point.x).toBeGreaterThanOrEqual(10);
      expect(point.x).toBeLessThanOrEqual(40);
    }
    // It bends toward the middle points rather than cutting straight from the first to the last.
    expect(Math.max(...samples.map((point) => point.x))).toBeGreaterThan(30);
  });
});
