import { describe, expect, it } from "vitest";
import { AnnouncementQueue, announce, runEvents } from "./announcements";

const none = { steps: new Map() };

describe("runEvents", () => {
  it("reports each start and each end once", () => {
    const first = runEvents(
      none,
      [
        { taskId: "a", node: "lodging", status: "running" },
        { taskId: "b", node: "activities", status: "running" },
      ],
      "running",
    );
    expect(first.events).toEqual([
      { kind: "step-started", name: "lodging" },
      { kind: "step-started", name: "activities" },
    ]);
    const second = runEvents(
      first.state,
      [
        { taskId: "a", node: "lodging", status: "done" },
        { taskId: "b", node: "activities", status: "running" },
      ],
      "running",
    );
    expect(second.events).toEqual([{ kind: "step-ended", name: "lodging", status: "done" }]);
    expect(
      runEvents(second.state, [{ taskId: "a", node: "lodging", status: "done" }], "running").events,
    ).toEqual([]);
  });

  it("reports a step first seen already ended as started and ended, and the run's end", () => {
    const { events } = runEvents(
      none,
      [{ taskId: "a", node: "write", label: "Intro", status: "failed" }],
      "failed",
    );
    expect(events).toEqual([
      { kind: "step-started", name: "write (Intro)" },
      { kind: "step-ended", name: "write (Intro)", status: "failed" },
      { kind: "run-ended", status: "failed" },
    ]);
  });
});

describe("announce", () => {
  it("names three parallel starts in one sentence", () => {
    expect(
      announce([
        { kind: "step-started", name: "lodging" },
        { kind: "step-started", name: "activities" },
        { kind: "step-started", name: "food" },
      ]),
    ).toBe("lodging, activities and food started.");
  });

  it("groups ends by how they ended, and ends with the run", () => {
    expect(
      announce([
        { kind: "step-ended", name: "outline", status: "done" },
        { kind: "step-started", name: "check" },
        { kind: "step-ended", name: "check", status: "done" },
        { kind: "step-ended", name: "draft", status: "stopped" },
        { kind: "run-ended", status: "stopped" },
      ]),
    ).toBe("outline and check done. check started. draft stopped. Run stopped.");
  });
});

describe("AnnouncementQueue", () => {
  it("announces at once, then holds a burst until the interval has passed, losing nothing", () => {
    const queue = new AnnouncementQueue(1500);
    queue.push([{ kind: "step-started", name: "plan" }]);
    expect(queue.take(0)).toBe("plan started.");
    expect(queue.wait(10)).toBeUndefined();
    queue.push([{ kind: "step-ended", name: "plan", status: "done" }]);
    queue.push([{ kind: "step-started", name: "lodging" }]);
    queue.push([{ kind: "step-started", name: "food" }]);
    expect(queue.wait(100)).toBe(1400);
    expect(queue.take(100)).toBeUndefined();
    expect(queue.take(1500)).toBe("plan done. lodging and food started.");
    expect(queue.take(5000)).toBeUndefined();
  });
});
