import "server-only";
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { HumanMessage, SystemMessage } from "@langchain/core/messages";
import type { RunnableConfig } from "@langchain/core/runnables";
import type { ModelFactory } from "@/lib/models/factory";
import type { OfflineRole } from "@/lib/models/offline-replies";

/** A node's prompt: instructions, then labelled facts ("Task: …") and any earlier output to build on. */
export interface NodePrompt {
  role: OfflineRole;
  system: string;
  fields: Record<string, string | number>;
  body?: string;
}

/**
 * Calls the run's model for one node and returns its text. The model streams: LangGraph's
 * `messages` mode relays each token to the run stream, attributed to this node's task.
 */
export async function askModel(config: RunnableConfig, prompt: NodePrompt): Promise<string> {
  const model = modelsOf(config).forRole(prompt.role);
  const facts = Object.entries(prompt.fields).map(([label, value]) => `${label}: ${value}`);
  const human = [facts.join("\n"), prompt.body?.trim()].filter(Boolean).join("\n\n");
  const reply = await model.invoke([new SystemMessage(prompt.system), new HumanMessage(human)], config);
  return reply.text;
}

function modelsOf(config: RunnableConfig): ModelFactory {
  const models = config.configurable?.models as ModelFactory | undefined;
  if (!models || typeof models.forRole !== "function") {
    throw new Error("The run did not provide a model factory in config.configurable.models");
  }
  return models;
}

export type { BaseChatModel };
