import "server-only";
import { z } from "zod";
import { MAX_INPUT_CHARS } from "@/lib/runs/limits";
import { type ArticleWriterState, buildArticleWriter } from "./article-writer";
import { buildPitchRefiner, type PitchRefinerState } from "./pitch-refiner";
import { buildReportWriter, type ReportWriterState, type SectionTask } from "./report-writer";
import {
  buildToolAgent,
  type ToolAgentRunState,
  toolAgentAnswer,
  toolAgentStepLabel,
  toolAgentStepSummary,
} from "./tool-agent";
import { buildTripPlanner, type TripPlannerState } from "./trip-planner";
import type { RunnableWorkflowGraph, WorkflowSpec } from "./types";

const taskText = (what: string) => z.string().trim().min(1).max(MAX_INPUT_CHARS).describe(what);
const asRunnable = (graph: unknown) => graph as RunnableWorkflowGraph;

const articleWriter: WorkflowSpec<ArticleWriterState> = {
  id: "article-writer",
  title: "Article writer",
  pattern: "Prompt chain with a gate",
  description:
    "Outlines an article, has a reviewer gate the outline (revising it at most twice), then drafts and polishes it.",
  exampleInput: "Why small teams should measure before they build",
  inputSchema: taskText("The article's topic"),
  build: () => asRunnable(buildArticleWriter()),
  relaysAllModelCalls: true,
  result: (state) => state.article,
  stepLabel: (node, state) => {
    if (node === "check") return state.revisions > 0 ? `Revision ${state.revisions}` : "First outline";
    if (node === "revise") return `Revision ${state.revisions + 1}`;
    return undefined;
  },
  stepSummary: (node, update) => {
    if (node === "check") return update.verdict === "pass" ? "Passed the gate" : "Sent back for revision";
    return undefined;
  },
};

const tripPlanner: WorkflowSpec<TripPlannerState> = {
  id: "trip-planner",
  title: "Trip planner",
  pattern: "Parallel fan-out / fan-in",
  description:
    "Researches lodging, activities and food at the same time, then joins them into a day-by-day itinerary.",
  exampleInput: "Three days in Kyoto in late autumn",
  inputSchema: taskText("Where and when to travel"),
  build: () => asRunnable(buildTripPlanner()),
  relaysAllModelCalls: true,
  result: (state) =>
    [state.itineraryText, state.lodgingIdeas, state.activitiesIdeas, state.foodIdeas].join("\n\n"),
};

const reportWriter: WorkflowSpec<ReportWriterState> = {
  id: "report-writer",
  title: "Report writer",
  pattern: "Orchestrator–workers with Send",
  description:
    "A planner splits the question into sections at run time, you approve or edit the plan, one worker writes each section in parallel, and an editor joins them.",
  exampleInput: "Should our team move its nightly batch jobs to serverless?",
  inputSchema: taskText("The question the report answers"),
  build: () => asRunnable(buildReportWriter()),
  relaysAllModelCalls: true,
  // The plan waits for a person's approval before the workers start.
  asksPeople: true,
  result: (state) => state.report,
  stepLabel: (node, input) => (node === "section" ? (input as unknown as SectionTask).title : undefined),
  stepSummary: (node, update) => {
    if (node === "plan") return `${update.sections?.length ?? 0} sections planned`;
    if (node === "review") {
      if (update.rejected !== undefined) return "Plan rejected";
      return update.sections ? `Plan edited: ${update.sections.length} sections` : "Plan approved";
    }
    return undefined;
  },
};

const pitchRefiner: WorkflowSpec<PitchRefinerState> = {
  id: "pitch-refiner",
  title: "Pitch refiner",
  pattern: "Evaluator–optimizer loop",
  description:
    "Writes a product pitch, has an editor score it, and improves it until it scores 8/10 or three attempts are used.",
  exampleInput: "A browser extension that summarises long email threads",
  inputSchema: taskText("The product to pitch"),
  build: () => asRunnable(buildPitchRefiner()),
  relaysAllModelCalls: true,
  result: (state) =>
    `${state.pitch}\n\n*Editor's score: ${state.score}/10 after ${state.attempt} attempt${state.attempt === 1 ? "" : "s"}.*`,
  stepLabel: (node, state) => {
    if (node === "evaluate") return `Attempt ${state.attempt}`;
    if (node === "improve") return `Attempt ${state.attempt + 1}`;
    return undefined;
  },
  stepSummary: (node, update) => (node === "evaluate" ? `Scored ${update.score}/10` : undefined),
};

const toolAgent: WorkflowSpec<ToolAgentRunState> = {
  id: "tool-agent",
  title: "Tool-using agent",
  pattern: "Tool-using agent (ReAct loop)",
  description:
    "Calls real tools (a calculator, date arithmetic and a search of stepstream's own docs) as often as it needs, streaming each tool call as it is written, then answers from the results.",
  exampleInput: "How many days are there between 2026-03-01 and 2026-12-25, and what is 1299 * 12 / 52?",
  inputSchema: taskText("The question for the agent"),
  build: () => asRunnable(buildToolAgent()),
  result: toolAgentAnswer,
  stepLabel: toolAgentStepLabel,
  stepSummary: toolAgentStepSummary,
};

// The specs are typed per workflow; the executor reads them through the general shape.
const specs = [
  articleWriter,
  tripPlanner,
  reportWriter,
  pitchRefiner,
  toolAgent,
] as unknown as WorkflowSpec[];

/** Every workflow, in the order the UI shows them. */
export function listWorkflows(): readonly WorkflowSpec[] {
  return specs;
}

/** The workflow with this id, or undefined. */
export function findWorkflow(id: string): WorkflowSpec | undefined {
  return specs.find((spec) => spec.id === id);
}
