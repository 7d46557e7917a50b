import "server-only";
import type { RunnableConfig } from "@langchain/core/runnables";
import { Annotation, END, START, StateGraph } from "@langchain/langgraph";
import { defineWorkflow, taskInput } from "./define";
import { askModel } from "./model-access";
import { parseVerdict } from "./parse";

/** Outline revisions the gate may ask for before the chain moves on regardless. */
export const MAX_OUTLINE_REVISIONS = 2;

const ArticleState = Annotation.Root({
  task: Annotation<string>,
  outlineText: Annotation<string>,
  verdict: Annotation<"pass" | "fail">,
  review: Annotation<string>,
  revisions: Annotation<number>({ reducer: (_, next) => next, default: () => 0 }),
  draftText: Annotation<string>,
  article: Annotation<string>,
});
type ArticleState = typeof ArticleState.State;

const writerVoice = "You write clear, concrete articles for busy readers. Reply in Markdown.";

async function outline(state: ArticleState, config: RunnableConfig) {
  const text = await askModel(config, {
    role: "outline",
    system: `${writerVoice} Write a numbered outline of four to five sections for the article.`,
    fields: { Task: state.task },
  });
  return { outlineText: text };
}

async function check(state: ArticleState, config: RunnableConfig) {
  const text = await askModel(config, {
    role: "check",
    system:
      'You review article outlines. Start your reply with "VERDICT: PASS" or "VERDICT: FAIL", then list at most three short reasons.',
    fields: { Task: state.task, Revision: state.revisions },
    body: state.outlineText,
  });
  return { verdict: parseVerdict(text), review: text };
}

async function revise(state: ArticleState, config: RunnableConfig) {
  const revision = state.revisions + 1;
  const text = await askModel(config, {
    role: "revise",
    system: `${writerVoice} Revise the outline to address every point of the review. Reply with the outline only.`,
    fields: { Task: state.task, Revision: revision },
    body: `${state.outlineText}\n\nReview:\n${state.review}`,
  });
  return { outlineText: text, revisions: revision };
}

async function draft(state: ArticleState, config: RunnableConfig) {
  const text = await askModel(config, {
    role: "draft",
    system: `${writerVoice} Write the full article from the outline, one short section per outline item.`,
    fields: { Task: state.task },
    body: state.outlineText,
  });
  return { draftText: text };
}

async function polish(state: ArticleState, config: RunnableConfig) {
  const text = await askModel(config, {
    role: "polish",
    system: `${writerVoice} Tighten the draft: shorter sentences, no filler, and end with a "Key takeaways" list.`,
    fields: { Task: state.task },
    body: state.draftText,
  });
  return { article: text };
}

/** The gate: a failed check loops back to revise, until the revision cap. */
function afterCheck(state: ArticleState): "revise" | "draft" {
  return state.verdict === "fail" && state.revisions < MAX_OUTLINE_REVISIONS ? "revise" : "draft";
}

/** Prompt chain with a gate: outline → check (→ revise → check, at most twice) → draft → polish. */
export function buildArticleWriter() {
  return new StateGraph(ArticleState)
    .addNode("outline", outline)
    .addNode("check", check)
    .addNode("revise", revise)
    .addNode("draft", draft)
    .addNode("polish", polish)
    .addEdge(START, "outline")
    .addEdge("outline", "check")
    .addConditionalEdges("check", afterCheck, ["revise", "draft"])
    .addEdge("revise", "check")
    .addEdge("draft", "polish")
    .addEdge("polish", END)
    .compile();
}

export type ArticleWriterState = ArticleState;

/** The workflow as the app lists and runs it. */
export const articleWriter = defineWorkflow<ArticleWriterState>({
  id: "article-writer",
  title: "Article writer",
  pattern: "Prompt chain with a gate",
  description:
    "Outlines an article, has a reviewer gate the outline (revising it at most twice), then drafts and polishes it.",
  exampleInput: "Why small teams should measure before they build",
  inputSchema: taskInput("The article's topic"),
  build: () => buildArticleWriter(),
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
});
