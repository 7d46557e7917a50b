import "server-only";
import type { RunnableConfig } from "@langchain/core/runnables";
import { Annotation, END, START, StateGraph } from "@langchain/langgraph";
import { defineWorkflow, taskInput } from "./define";
import { askModel } from "./model-access";
import { parseFeedback, parseScore } from "./parse";

/** A pitch scoring at least this (out of 10) is good enough. */
export const PASSING_SCORE = 8;
/** Evaluations at most: the loop ends here even if the score never passes. */
export const MAX_ATTEMPTS = 3;

const PitchState = Annotation.Root({
  task: Annotation<string>,
  pitch: Annotation<string>,
  attempt: Annotation<number>({ reducer: (_, next) => next, default: () => 0 }),
  score: Annotation<number>,
  feedback: Annotation<string>,
});
type PitchState = typeof PitchState.State;

const copywriter =
  "You write product pitches: two sentences at most, concrete, no hype words. Reply with the pitch only.";

async function generate(state: PitchState, config: RunnableConfig) {
  const text = await askModel(config, { role: "generate", system: copywriter, fields: { Task: state.task } });
  return { pitch: text, attempt: 1 };
}

async function evaluate(state: PitchState, config: RunnableConfig) {
  const text = await askModel(config, {
    role: "evaluate",
    system:
      'You are a demanding editor. Reply with "SCORE: n/10" on the first line, then "FEEDBACK:" and at most three bullet points.',
    fields: { Task: state.task, Attempt: state.attempt },
    body: state.pitch,
  });
  return { score: parseScore(text), feedback: parseFeedback(text) };
}

async function improve(state: PitchState, config: RunnableConfig) {
  const attempt = state.attempt + 1;
  const text = await askModel(config, {
    role: "improve",
    system: `${copywriter} Rewrite the pitch to address every point of the feedback.`,
    fields: { Task: state.task, Attempt: attempt },
    body: `${state.pitch}\n\nFeedback:\n${state.feedback}`,
  });
  return { pitch: text, attempt };
}

function afterEvaluate(state: PitchState): "improve" | typeof END {
  return state.score >= PASSING_SCORE || state.attempt >= MAX_ATTEMPTS ? END : "improve";
}

/** Evaluator–optimizer: generate → evaluate → improve → evaluate …, until the score passes or the cap. */
export function buildPitchRefiner() {
  return new StateGraph(PitchState)
    .addNode("generate", generate)
    .addNode("evaluate", evaluate)
    .addNode("improve", improve)
    .addEdge(START, "generate")
    .addEdge("generate", "evaluate")
    .addConditionalEdges("evaluate", afterEvaluate, ["improve", END])
    .addEdge("improve", "evaluate")
    .compile();
}

export type PitchRefinerState = PitchState;

/** The workflow as the app lists and runs it. */
export const pitchRefiner = defineWorkflow<PitchRefinerState>({
  id: "pitch-refiner",
  title: "Pitch refiner",
  pattern: "Evaluator–optimizer loop",
  description:
    "Writes a product pitch, has an editor score it, and improves it until it scores 8/10 or three attempts are used.",
  exampleInput: "A browser extension that summarises long email threads",
  inputSchema: taskInput("The product to pitch"),
  build: () => buildPitchRefiner(),
  relaysAllModelCalls: true,
  result: (state) =>
    `${state.pitch}\n\n*Editor's score: ${state.score}/10 after ${state.attempt} attempt${state.attempt === 1 ? "" : "s"}.*`,
  stepLabel: (node, state) => {
    if (node === "evaluate") return `Attempt ${state.attempt}`;
    if (node === "improve") return `Attempt ${state.attempt + 1}`;
    return undefined;
  },
  stepSummary: (node, update) => (node === "evaluate" ? `Scored ${update.score}/10` : undefined),
});
