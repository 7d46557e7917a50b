const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const TIMING = /"(?:startedAt|endedAt|durationMs|at)":\d+,?/g;

/**
 * A run's transcript with what differs between two runs of the same deterministic workflow taken
 * out, so the two can be compared: the run's id becomes RUN, each task's id its node's name (and
 * how many tasks of that node came before), timings go, and the interleaving of parallel branches
 * is undone by grouping each task's events (in their order) apart from the run's own.
 */
export function normalizeTranscript(events: readonly { json: string }[]): Record<string, string[]> {
  const labels = new Map<string, string>();
  const perNode = new Map<string, number>();
  const groups: Record<string, string[]> = {};
  for (const { json } of events) {
    const part = JSON.parse(json) as {
      type: string;
      id?: string;
      messageId?: string;
      data?: { taskId?: string; node?: string };
    };
    if (part.type === "start" && part.messageId) labels.set(part.messageId, "RUN");
    const taskId = part.data?.taskId;
    if (part.type === "data-step" && taskId && part.data?.node && !labels.has(taskId)) {
      const count = (perNode.get(part.data.node) ?? 0) + 1;
      perNode.set(part.data.node, count);
      labels.set(taskId, `${part.data.node}#${count}`);
    }
    const normalized = json.replace(UUID, (id) => labels.get(id) ?? "UNKNOWN-ID").replace(TIMING, "");
    const group = (part.id && labels.get(part.id)) || "RUN";
    groups[group] ??= [];
    groups[group].push(normalized);
  }
  return groups;
}
