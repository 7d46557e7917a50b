import type { RunUIMessage } from "@/lib/runs/contract";
import {
  type InterruptPart,
  type ResultPart,
  type RunPart,
  type StepPart,
  taskIdOfPart,
} from "@/lib/runs/contract";
import { describeFailure, type FailureNotice } from "./failure-messages";

/** One tool call a step's model made, as the run view shows it. */
export interface ToolCallView {
  toolCallId: string;
  toolName: string;
  state: "input-streaming" | "input-available" | "output-available" | "output-error";
  input: unknown;
  output?: unknown;
  errorText?: string;
}

export interface RunStep extends StepPart {
  text: string;
  toolCalls: ToolCallView[];
  /** Steps of the subgraph this step ran. */
  children: RunStep[];
}

export interface RunViewState {
  run?: RunPart;
  /** The graph's own steps, in start order; a subgraph's steps sit in their step's `children`. */
  steps: RunStep[];
  /** Every step, nested or not. */
  allSteps: RunStep[];
  result?: ResultPart;
  /** What the run asked a person; the last without an answer is the open question. */
  questions: InterruptPart[];
  /** True from the moment Run is pressed until the stream's terminal part arrives. */
  busy: boolean;
  failure?: FailureNotice;
}

/**
 * Reads a run's message back into what the view shows: each `data-step` reconciled by task id
 * with its text (joined through the text part's metadata) and its tool calls, subgraph steps
 * nested under the step that ran them, the questions asked, the result and the run's status.
 */
export function readRun(
  message: RunUIMessage | undefined,
  status: string,
  error: Error | undefined,
): RunViewState {
  const streaming = status === "submitted" || status === "streaming";
  if (message?.role !== "assistant") {
    return {
      steps: [],
      allSteps: [],
      questions: [],
      busy: streaming,
      failure: error ? describeFailure(error) : undefined,
    };
  }
  let run: RunPart | undefined;
  let result: ResultPart | undefined;
  const steps = new Map<string, RunStep>();
  const texts = new Map<string, string>();
  const tools = new Map<string, ToolCallView[]>();
  const questions = new Map<string, InterruptPart>();
  for (const part of message.parts) {
    if (part.type === "data-run") run = part.data;
    else if (part.type === "data-result") result = part.data;
    else if (part.type === "data-interrupt") questions.set(part.data.interruptId, part.data);
    else if (part.type === "data-step") {
      steps.set(part.data.taskId, { ...part.data, text: "", toolCalls: [], children: [] });
    } else if (part.type === "text") {
      const taskId = taskIdOfPart(part);
      if (taskId) texts.set(taskId, part.text);
    } else if (part.type === "dynamic-tool") {
      const taskId = taskIdOfPart(part);
      if (!taskId) continue;
      const calls = tools.get(taskId) ?? [];
      calls.push({
        toolCallId: part.toolCallId,
        toolName: part.toolName,
        state: part.state as ToolCallView["state"],
        input: part.input,
        output: part.state === "output-available" ? part.output : undefined,
        errorText: part.state === "output-error" ? part.errorText : undefined,
      });
      tools.set(taskId, calls);
    }
  }
  for (const [taskId, step] of steps) {
    step.text = texts.get(taskId) ?? "";
    step.toolCalls = tools.get(taskId) ?? [];
  }
  const roots: RunStep[] = [];
  for (const step of steps.values()) {
    const parent = step.parentTaskId ? steps.get(step.parentTaskId) : undefined;
    if (parent) parent.children.push(step);
    else roots.push(step);
  }
  const failure = run?.error ? describeFailure(run.error) : error ? describeFailure(error) : undefined;
  return {
    run,
    result,
    steps: roots,
    allSteps: [...steps.values()],
    questions: [...questions.values()],
    busy: streaming && (run === undefined || run.status === "running"),
    failure,
  };
}

/** The question the run waits on, if it waits. */
export function openQuestion(view: Pick<RunViewState, "run" | "questions">): InterruptPart | undefined {
  if (view.run?.status !== "waiting") return undefined;
  return view.questions.findLast((question) => question.answer === undefined);
}
