/** The task id in a LangGraph checkpoint namespace: "node:taskId" at the top level of the graph. */
export function taskIdOfCheckpointNamespace(namespace: unknown): string | undefined {
  if (typeof namespace !== "string") return undefined;
  const topLevel = namespace.split("|")[0] ?? "";
  const separator = topLevel.indexOf(":");
  return separator >= 0 ? topLevel.slice(separator + 1) : undefined;
}
