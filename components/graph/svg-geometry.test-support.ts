/**
 * Reads a rendered diagram back as geometry: node boxes and edge curves sampled densely, so a
 * test can check the picture itself rather than the numbers that were meant to produce it.
 */

export interface Point {
  x: number;
  y: number;
}

/** A node's shape: a box with rounded corners (a dot is one whose radius is half its size). */
export interface Box {
  id: string;
  left: number;
  top: number;
  right: number;
  bottom: number;
  radius: number;
}

export interface DrawnEdge {
  source: string;
  target: string;
  samples: Point[];
}

export interface DrawnDiagram {
  width: number;
  height: number;
  boxes: Map<string, Box>;
  edges: DrawnEdge[];
}

const attributes = (tag: string) =>
  new Map([...tag.matchAll(/([\w-]+)="([^"]*)"/g)].map((match) => [match[1] ?? "", match[2] ?? ""]));
const numberOf = (tag: Map<string, string>, name: string) => Number(tag.get(name));

/** Parses the SVG markup GraphDiagram renders. */
export function readDiagram(markup: string): DrawnDiagram {
  const viewBox = (markup.match(/viewBox="([^"]+)"/)?.[1] ?? "").split(/\s+/).map(Number);
  const boxes = new Map<string, Box>();
  let group: string | undefined;
  for (const [tag, name] of markup.matchAll(/<(g|rect|circle)\b[^>]*>/g)) {
    const attrs = attributes(tag);
    if (name === "g") group = attrs.get("data-node");
    if (name === "circle" && attrs.has("data-node")) {
      const [x, y, r] = [numberOf(attrs, "cx"), numberOf(attrs, "cy"), numberOf(attrs, "r")];
      const id = attrs.get("data-node") ?? "";
      boxes.set(id, { id, left: x - r, top: y - r, right: x + r, bottom: y + r, radius: r });
    }
    if (name === "rect" && group && !attrs.has("data-focus-ring") && !boxes.has(group)) {
      const [x, y] = [numberOf(attrs, "x"), numberOf(attrs, "y")];
      const [width, height] = [numberOf(attrs, "width"), numberOf(attrs, "height")];
      const radius = numberOf(attrs, "rx") || 0;
      boxes.set(group, { id: group, left: x, top: y, right: x + width, bottom: y + height, radius });
    }
  }
  const edges = [...markup.matchAll(/<path\b[^>]*data-source="[^"]*"[^>]*>/g)].map(([tag]) => {
    const attrs = attributes(tag);
    const [source = "", target = ""] = [attrs.get("data-source"), attrs.get("data-target")];
    return { source, target, samples: samplePath(attrs.get("d") ?? "") };
  });
  return { width: viewBox[2] ?? 0, height: viewBox[3] ?? 0, boxes, edges };
}

/** Points along an SVG path of absolute M, L and C commands, at most about a pixel apart. */
export function samplePath(d: string): Point[] {
  const samples: Point[] = [];
  let at: Point = { x: 0, y: 0 };
  for (const [, command, args] of d.matchAll(/([MLC])([^MLC]*)/g)) {
    const numbers = (args ?? "")
      .trim()
      .split(/[\s,]+/)
      .map(Number);
    const points = Array.from({ length: numbers.length / 2 }, (_, index) => ({
      x: numbers[2 * index] ?? 0,
      y: numbers[2 * index + 1] ?? 0,
    }));
    if (command === "M") {
      at = points[0] ?? at;
      samples.push(at);
      continue;
    }
    const curve = command === "C" ? [at, ...points] : [at, points[0] ?? at];
    const length = curve
      .slice(1)
      .reduce((sum, point, index) => sum + distance(curve[index] ?? point, point), 0);
    const steps = Math.max(2, Math.ceil(length));
    for (let step = 1; step <= steps; step++) samples.push(bezier(curve, step / steps));
    at = curve[curve.length - 1] ?? at;
  }
  return samples;
}

/** A point on a Bézier curve of any degree (a line is degree one), by de Casteljau. */
function bezier(controls: Point[], t: number): Point {
  let points = controls;
  while (points.length > 1) {
    points = points.slice(1).map((point, index) => {
      const previous = points[index] ?? point;
      return { x: previous.x + (point.x - previous.x) * t, y: previous.y + (point.y - previous.y) * t };
    });
  }
  return points[0] ?? { x: 0, y: 0 };
}

export const distance = (a: Point, b: Point) => Math.hypot(a.x - b.x, a.y - b.y);

/**
 * How far a point is outside a box's outline, negative inside it: the signed distance to a box
 * with rounded corners (the box shrunk by its radius, grown again by a disc of that radius).
 */
export function signedDistance(box: Box, point: Point): number {
  const qx = Math.abs(point.x - (box.left + box.right) / 2) - ((box.right - box.left) / 2 - box.radius);
  const qy = Math.abs(point.y - (box.top + box.bottom) / 2) - ((box.bottom - box.top) / 2 - box.radius);
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - box.radius;
}

/** Whether a point lies inside a box's shape shrunk by `inset` on every side. */
export const inside = (box: Box, point: Point, inset: number) => signedDistance(box, point) < -inset;

/** How far a point is from a box's outline, inside or out. */
export const distanceToOutline = (box: Box, point: Point) => Math.abs(signedDistance(box, point));
