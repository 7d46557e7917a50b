import type { RunUIMessage } from "@/lib/runs/contract";

/**
 * The message to show while a page rendered from the store (`seed`) attaches to its live run: the
 * stream replays the run from its first event, so for a moment the live message has less than the
 * page already showed. The seed stays on screen until the replay has caught up with it (as many
 * parts, as much text), so nothing visibly resets; a different run's message shows at once.
 */
export function shownMessage(
  seed: RunUIMessage | undefined,
  live: RunUIMessage | undefined,
): RunUIMessage | undefined {
  if (!seed || live === seed) return live;
  if (!live) return seed;
  if (live.id !== seed.id) return live;
  return live.parts.length >= seed.parts.length && textLength(live) >= textLength(seed) ? live : seed;
}

function textLength(message: RunUIMessage): number {
  let length = 0;
  for (const part of message.parts) if (part.type === "text") length += part.text.length;
  return length;
}
