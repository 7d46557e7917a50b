import "server-only";
import type { RunnableConfig } from "@langchain/core/runnables";
import { Annotation, END, interrupt, Send, START, StateGraph } from "@langchain/langgraph";
import { defineWorkflow, taskInput } from "./define";
import { askModel } from "./model-access";
import { parseSections } from "./parse";

/** The planner may split a task into at most this many sections (and so this many workers). */
export const MAX_SECTIONS = 6;

interface SectionDraft {
  index: number;
  title: string;
  text: string;
}

const ReportState = Annotation.Root({
  task: Annotation<string>,
  sections: Annotation<string[]>,
  drafts: Annotation<SectionDraft[]>({
    // Workers finish in any order; each appends its own draft, and `compose` sorts them.
    reducer: (done, more) => done.concat(more),
    default: () => [],
  }),
  report: Annotation<string>,
  /** Set when the person reviewing the plan rejected it: the run ends without a report. */
  rejected: Annotation<string | undefined>,
});
type ReportState = typeof ReportState.State;

/** What one worker receives through `Send`: its own slice of the job, not the whole state. */
export interface SectionTask {
  task: string;
  index: number;
  title: string;
}

async function plan(state: ReportState, config: RunnableConfig) {
  const text = await askModel(config, {
    role: "plan",
    system: `You plan short reports. Reply with "SECTIONS:" and a numbered list of two to ${MAX_SECTIONS - 1} section titles, nothing else.`,
    fields: { Task: state.task },
  });
  return { sections: parseSections(text, MAX_SECTIONS) };
}

/** What a person may answer to the plan review. */
type PlanDecision =
  | { action: "approve" }
  | { action: "edit"; payload?: { sections?: unknown } }
  | { action: "reject"; reason?: string };

/** An edited plan as the workers will take it: one to MAX_SECTIONS titled sections. */
function editedSections(payload: { sections?: unknown } | undefined, planned: string[]): string[] {
  const given = Array.isArray(payload?.sections) ? payload.sections : [];
  const titles = given
    .filter((title): title is string => typeof title === "string")
    .map((title) => title.trim().slice(0, 120))
    .filter(Boolean)
    .slice(0, MAX_SECTIONS);
  return titles.length > 0 ? titles : planned;
}

/**
 * A person approves, edits or rejects the plan before any worker starts: LangGraph's `interrupt()`
 * pauses the run here until they answer (the node runs again from the top with the answer).
 */
function review(state: ReportState) {
  const decision = interrupt({
    question: "Approve this plan before the section writers start?",
    payload: { sections: state.sections },
    actions: ["approve", "edit", "reject"],
  }) as PlanDecision | undefined;
  if (decision?.action === "reject") {
    const reason = typeof decision.reason === "string" ? decision.reason.trim().slice(0, 500) : "";
    return {
      rejected: reason || "No reason given.",
      report: `*The plan was rejected: ${reason || "no reason given"}.*`,
    };
  }
  if (decision?.action === "edit") return { sections: editedSections(decision.payload, state.sections) };
  return {};
}

/** Orchestrator: one `section` worker per planned section, decided at run time (none if rejected). */
function assignWorkers(state: ReportState): Send[] | typeof END {
  if (state.rejected !== undefined) return END;
  return state.sections.map(
    (title, index) => new Send("section", { task: state.task, index, title } satisfies SectionTask),
  );
}

async function section(work: SectionTask, config: RunnableConfig) {
  const text = await askModel(config, {
    role: "section",
    system: "You write one section of a report: a heading and two short paragraphs in Markdown.",
    fields: { Task: work.task, Section: work.title },
  });
  return { drafts: [{ index: work.index, title: work.title, text }] };
}

async function compose(state: ReportState, config: RunnableConfig) {
  const ordered = [...state.drafts].sort((a, b) => a.index - b.index);
  const text = await askModel(config, {
    role: "compose",
    system:
      "You edit reports. Add a title and a one-paragraph introduction, keep the sections as given, and end with a short summary.",
    fields: { Task: state.task },
    body: ordered.map((draft) => draft.text).join("\n\n"),
  });
  return { report: text };
}

/** Orchestrator–workers with `Send`: plan → a person's review → N × section (in parallel) → compose. */
export function buildReportWriter() {
  return new StateGraph(ReportState)
    .addNode("plan", plan)
    .addNode("review", review)
    .addNode("section", section)
    .addNode("compose", compose)
    .addEdge(START, "plan")
    .addEdge("plan", "review")
    .addConditionalEdges("review", assignWorkers, ["section", END])
    .addEdge("section", "compose")
    .addEdge("compose", END)
    .compile();
}

export type ReportWriterState = ReportState;

/** The workflow as the app lists and runs it. */
export const reportWriter = defineWorkflow<ReportWriterState>({
  id: "report-writer",
  title: "Report writer",
  pattern: "Orchestrator–workers with Send",
  description:
    "A planner splits the question into sections at run time, you approve or edit the plan, one worker writes each section in parallel, and an editor joins them.",
  exampleInput: "Should our team move its nightly batch jobs to serverless?",
  inputSchema: taskInput("The question the report answers"),
  build: () => buildReportWriter(),
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
});
