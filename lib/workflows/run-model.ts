import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { RunnableConfig } from "@langchain/core/runnables";
import type { ModelFactory } from "@/lib/models/factory";
import type { OfflineRole } from "@/lib/models/offline-replies";

/**
 * The chat model of the run a node belongs to: the offline demo model or Bedrock, as the server is
 * configured. The one project function a workflow's nodes need: call it with the node's `config`
 * (LangGraph's second argument to a node) and use the model the usual way (`invoke`, `stream`,
 * `bindTools`); its tokens and tool calls stream to the browser by themselves.
 *
 * `role` picks the offline model's canned behaviour (Bedrock ignores it); "agent" answers with
 * tool calls when tools are bound.
 */
export function runModel(config: RunnableConfig, role: OfflineRole = "agent"): BaseChatModel {
  const models = config.configurable?.models as ModelFactory | undefined;
  if (!models || typeof models.forRole !== "function") {
    throw new Error("runModel(config) needs the config LangGraph passes to a node of a stepstream run");
  }
  return models.forRole(role);
}
