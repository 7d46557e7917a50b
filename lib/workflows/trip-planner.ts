import "server-only";
import type { RunnableConfig } from "@langchain/core/runnables";
import { Annotation, END, START, StateGraph } from "@langchain/langgraph";
import { defineWorkflow, taskInput } from "./define";
import { askModel } from "./model-access";

const TripState = Annotation.Root({
  task: Annotation<string>,
  lodgingIdeas: Annotation<string>,
  activitiesIdeas: Annotation<string>,
  foodIdeas: Annotation<string>,
  itineraryText: Annotation<string>,
});
type TripState = typeof TripState.State;

const plannerVoice =
  "You are a practical travel planner. Reply in Markdown with three short, specific suggestions.";

function researchBranch(role: "lodging" | "activities" | "food", focus: string) {
  return async (state: TripState, config: RunnableConfig) => {
    const text = await askModel(config, {
      role,
      system: `${plannerVoice} Focus only on ${focus}.`,
      fields: { Task: state.task },
    });
    return { [`${role}Ideas`]: text };
  };
}

async function itinerary(state: TripState, config: RunnableConfig) {
  const text = await askModel(config, {
    role: "itinerary",
    system:
      "You are a practical travel planner. Combine the research into a day-by-day itinerary in Markdown.",
    fields: { Task: state.task },
    body: [state.lodgingIdeas, state.activitiesIdeas, state.foodIdeas].join("\n\n"),
  });
  return { itineraryText: text };
}

/** Parallel fan-out and fan-in: lodging ∥ activities ∥ food, then one itinerary from all three. */
export function buildTripPlanner() {
  return new StateGraph(TripState)
    .addNode("lodging", researchBranch("lodging", "where to stay"))
    .addNode("activities", researchBranch("activities", "what to see and do"))
    .addNode("food", researchBranch("food", "where and what to eat"))
    .addNode("itinerary", itinerary)
    .addEdge(START, "lodging")
    .addEdge(START, "activities")
    .addEdge(START, "food")
    .addEdge(["lodging", "activities", "food"], "itinerary")
    .addEdge("itinerary", END)
    .compile();
}

export type TripPlannerState = TripState;

/** The workflow as the app lists and runs it. */
export const tripPlanner = defineWorkflow<TripPlannerState>({
  id: "trip-planner",
  title: "Trip planner",
  pattern: "Parallel fan-out / fan-in",
  description:
    "Researches lodging, activities and food at the same time, then joins them into a day-by-day itinerary.",
  exampleInput: "Three days in Kyoto in late autumn",
  inputSchema: taskInput("Where and when to travel"),
  build: () => buildTripPlanner(),
  relaysAllModelCalls: true,
  result: (state) =>
    [state.itineraryText, state.lodgingIdeas, state.activitiesIdeas, state.foodIdeas].join("\n\n"),
});
