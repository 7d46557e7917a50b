import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import type { WorkflowGraph } from "@/lib/workflows/description";
import { GraphDiagram } from "./graph-diagram";
import { layoutGraph } from "./layout-graph";
import {
  type DrawnDiagram,
  distance,
  distanceToOutline,
  inside,
  readDiagram,
} from "./svg-geometry.test-support";
import { registryGraphs, synthetic } from "./test-graphs.test-support";

const registry = await registryGraphs();
const graphs: [string, WorkflowGraph][] = [...registry, ...Object.entries(synthetic)];

const draw = (graph: WorkflowGraph): DrawnDiagram =>
  readDiagram(renderToStaticMarkup(<GraphDiagram graph={layoutGraph(graph)} title="Test graph" />));

it("covers every built-in workflow", () => {
  expect([...registry.keys()]).toEqual(
    expect.arrayContaining([
      "article-writer",
      "trip-planner",
      "report-writer",
      "pitch-refiner",
      "tool-agent",
    ]),
  );
});

describe.each(graphs)("the diagram of %s", (_name, graph) => {
  const drawn = draw(graph);
  const boxes = [...drawn.boxes.values()];

  it("draws every node and every edge", () => {
    expect([...drawn.boxes.keys()].sort()).toEqual(graph.nodes.map((node) => node.id).sort());
    expect(drawn.edges.map((edge) => `${edge.source}->${edge.target}`)).toEqual(
      graph.edges.map((edge) => `${edge.source}->${edge.target}`),
    );
  });

  it("routes no edge through a box, not even its own ends'", () => {
    const crossings = drawn.edges.flatMap((edge) =>
      boxes
        .filter((box) => edge.samples.some((point) => inside(box, point, 1.5)))
        .map((box) => `${edge.source}->${edge.target} runs through ${box.id}`),
    );
    expect(crossings).toEqual([]);
  });

  it("starts every edge on its source's outline and ends it on its target's", () => {
    const loose = drawn.edges.flatMap((edge) => {
      const first = edge.samples[0];
      const last = edge.samples.at(-1);
      const source = drawn.boxes.get(edge.source);
      const target = drawn.boxes.get(edge.target);
      if (!first || !last || !source || !target) return [`${edge.source}->${edge.target} is not drawn`];
      return [
        ...(distanceToOutline(source, first) > 1
          ? [`${edge.source}->${edge.target} starts off its source`]
          : []),
        ...(distanceToOutline(target, last) > 1
          ? [`${edge.source}->${edge.target} ends off its target`]
          : []),
      ];
    });
    expect(loose).toEqual([]);
  });

  it("keeps boxes apart and everything inside the picture", () => {
    const overlaps = boxes.flatMap((a, index) =>
      boxes
        .slice(index + 1)
        .filter(
          (b) => a.left < b.right + 8 && b.left < a.right + 8 && a.top < b.bottom + 8 && b.top < a.bottom + 8,
        )
        .map((b) => `${a.id} overlaps ${b.id}`),
    );
    expect(overlaps).toEqual([]);
    const points = [
      ...boxes.flatMap((box) => [
        { x: box.left, y: box.top },
        { x: box.right, y: box.bottom },
      ]),
      ...drawn.edges.flatMap((edge) => edge.samples),
    ];
    const outside = points.filter(
      (point) => point.x < 0 || point.y < 0 || point.x > drawn.width || point.y > drawn.height,
    );
    expect(outside).toEqual([]);
  });

  it("draws two edges between the same nodes (a loop) apart, not on top of each other", () => {
    const middle = (samples: { x: number; y: number }[]) =>
      samples.slice(Math.floor(samples.length * 0.3), Math.ceil(samples.length * 0.7));
    const merged = drawn.edges.flatMap((a, index) =>
      drawn.edges
        .slice(index + 1)
        .filter((b) => [a.source, a.target].sort().join() === [b.source, b.target].sort().join())
        .filter((b) => middle(a.samples).some((p) => b.samples.some((q) => distance(p, q) < 8)))
        .map((b) => `${a.source}->${a.target} runs on top of ${b.source}->${b.target}`),
    );
    expect(merged).toEqual([]);
  });
});
