/**
 * The task a LangGraph checkpoint namespace names: its last "node:taskId" segment, so a node inside
 * a subgraph ("outer:id1|inner:id2") is its own task (id2), not the task that ran the subgraph.
 */
export function taskIdOfCheckpointNamespace(namespace: unknown): string | undefined {
  if (typeof namespace !== "string" || namespace === "") return undefined;
  const last = namespace.slice(namespace.lastIndexOf("|") + 1);
  const separator = last.indexOf(":");
  return separator >= 0 ? last.slice(separator + 1) : undefined;
}

/** The task that ran the subgraph a stream namespace (["outer:id1", "inner:id2"]) belongs to. */
export function parentTaskOfNamespace(namespace: readonly string[]): string | undefined {
  return taskIdOfCheckpointNamespace(namespace.at(-1));
}
