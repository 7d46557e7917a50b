import type { RunStep } from "./read-run";

/** A step as the view reads it, for unit tests: only the fields a test cares about are given. */
export function testStep(fields: Partial<RunStep> & Pick<RunStep, "taskId">): RunStep {
  return {
    node: fields.taskId,
    status: "done",
    startedAt: 0,
    text: "",
    toolCalls: [],
    children: [],
    ...fields,
  };
}
