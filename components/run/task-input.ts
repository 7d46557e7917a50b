/**
 * The task box's rules, apart from React so they can be unit-tested: how long a task may be (the
 * limit the server's validation uses, `MAX_INPUT_CHARS`), what a paste that does not fit keeps,
 * why Run cannot run, and which keys run it. Lengths are UTF-16 code units, as the server's zod
 * schema and the textarea's `maxLength` count them.
 */

/** Numbers as the counter shows them, the same on the server and in every browser locale. */
export function formatCount(value: number): string {
  return value.toLocaleString("en-US");
}

/** "1,234 / 4,000". */
export function describeCount(length: number, limit: number): string {
  return `${formatCount(length)} / ${formatCount(limit)}`;
}

/**
 * The first `limit` code units of `text`, one fewer when the cut would split a surrogate pair (an
 * emoji, say): half a pair is not a character, and the server would refuse it.
 */
export function cutToLimit(text: string, limit: number): string {
  if (text.length <= limit) return text;
  const end = Math.max(0, limit);
  return isHighSurrogate(text.charCodeAt(end - 1)) ? text.slice(0, end - 1) : text.slice(0, end);
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

export interface PasteOutcome {
  /** The box's new value. */
  value: string;
  /** Where the caret goes: just after what was pasted. */
  caret: number;
  /** How many code units of the paste did not fit. */
  dropped: number;
}

/**
 * Pastes `pasted` over the selection `[start, end)` of `value`, keeping as much of the paste as
 * fits under `limit`. The text around the selection is never cut: only the paste is.
 */
export function pasteWithinLimit(
  value: string,
  selection: { start: number; end: number },
  pasted: string,
  limit: number,
): PasteOutcome {
  const before = value.slice(0, selection.start);
  const after = value.slice(selection.end);
  const room = Math.max(0, limit - before.length - after.length);
  const kept = cutToLimit(pasted, room);
  return {
    value: before + kept + after,
    caret: before.length + kept.length,
    dropped: pasted.length - kept.length,
  };
}

/** The notice under the box after a paste was cut: how much was dropped, and why. */
export function describeCut(dropped: number, limit: number): string {
  const what = dropped === 1 ? "1 character" : `${formatCount(dropped)} characters`;
  return `Your paste was cut: ${what} did not fit, as a task can be at most ${formatCount(limit)} characters.`;
}

/** Why Run cannot start a run now, or `undefined` when it can. */
export function runBlockedReason(state: { task: string; busy: boolean }): string | undefined {
  if (state.busy) return "A run is in progress";
  if (state.task.trim() === "") return "Write a task to run";
  return undefined;
}

/** Ctrl+Enter (Windows, Linux) and Cmd+Enter (macOS) run the task; Enter alone is a new line. */
export function isRunShortcut(key: {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  isComposing?: boolean;
}): boolean {
  return key.key === "Enter" && (key.ctrlKey || key.metaKey) && !key.isComposing;
}
