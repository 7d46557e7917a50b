/**
 * What a step was given, as a person can read it: the task's input state as indented JSON-like
 * text, cut so a large state (a long draft, a list of sources, a chat history) stays a glance.
 * Plain (no server-only): it only formats data.
 */

export const STEP_INPUT_LIMITS = {
  /** Characters of one string before it is cut. */
  stringChars: 280,
  arrayItems: 8,
  objectFields: 24,
  /** Levels of nesting shown; deeper values read as `{…}` or `[…]`. */
  depth: 4,
  /** Characters of the whole rendering. */
  totalChars: 2000,
};

const INDENT = "  ";

/** The task input, rendered readable and bounded; undefined when there is nothing to show. */
export function renderStepInput(input: unknown, limits = STEP_INPUT_LIMITS): string | undefined {
  if (input === undefined || input === null) return undefined;
  if (isPlainObject(input) && Object.keys(input).length === 0) return undefined;
  const text = render(input, 0, { limits, seen: new WeakSet(), chars: 0 });
  if (text.length <= limits.totalChars) return text;
  const cut = text.slice(0, limits.totalChars);
  return `${cut}\n… (${(text.length - cut.length).toLocaleString("en")} more characters)`;
}

interface RenderState {
  limits: typeof STEP_INPUT_LIMITS;
  seen: WeakSet<object>;
  /** Characters of strings rendered so far: past the total budget the rest is not worth rendering. */
  chars: number;
}

function render(value: unknown, depth: number, state: RenderState): string {
  const { limits, seen } = state;
  if (state.chars > limits.totalChars) return "…";
  if (typeof value === "string") {
    const shown = JSON.stringify(cutString(value, limits.stringChars));
    state.chars += shown.length;
    return shown;
  }
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (value === null || value === undefined) return "null";
  if (typeof value === "bigint") return `${value}`;
  if (typeof value !== "object") return JSON.stringify(String(value));
  if (seen.has(value)) return '"(circular)"';
  const message = asMessage(value);
  if (message) return render(message, depth, state);
  if (depth >= limits.depth) return Array.isArray(value) ? "[…]" : "{…}";
  seen.add(value);
  const pad = INDENT.repeat(depth + 1);
  const close = INDENT.repeat(depth);
  try {
    if (Array.isArray(value)) {
      if (value.length === 0) return "[]";
      const lines = value.slice(0, limits.arrayItems).map((item) => pad + render(item, depth + 1, state));
      const more = value.length - limits.arrayItems;
      if (more > 0) lines.push(`${pad}… (${more} more items)`);
      return `[\n${lines.join(",\n")}\n${close}]`;
    }
    const entries = Object.entries(value).filter(
      ([, field]) => field !== undefined && typeof field !== "function",
    );
    if (entries.length === 0) return "{}";
    const lines = entries
      .slice(0, limits.objectFields)
      .map(([key, field]) => `${pad}${JSON.stringify(key)}: ${render(field, depth + 1, state)}`);
    const more = entries.length - limits.objectFields;
    if (more > 0) lines.push(`${pad}… (${more} more fields)`);
    return `{\n${lines.join(",\n")}\n${close}}`;
  } finally {
    seen.delete(value);
  }
}

function cutString(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}… (${(text.length - max).toLocaleString("en")} more characters)`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const ROLES: Record<string, string> = { human: "user", ai: "assistant", system: "system", tool: "tool" };

/**
 * A LangChain message (a class instance, or its serialized `{lc, id, kwargs}` form) as
 * `{ role: content }`, with its tool calls (`name(args)`) when it made any: the rest (ids, metadata) is noise.
 */
function asMessage(value: object): Record<string, unknown> | undefined {
  const record = value as Record<string, unknown>;
  const serialized = record.lc === 1 && isPlainObject(record.kwargs) ? record.kwargs : undefined;
  const fields = serialized ?? record;
  const type =
    typeof (record as { getType?: unknown }).getType === "function"
      ? String((record as { getType: () => unknown }).getType())
      : serialized && Array.isArray(record.id)
        ? messageTypeOfClass(String(record.id.at(-1)))
        : undefined;
  if (!type || !("content" in fields)) return undefined;
  const role = ROLES[type] ?? type;
  const calls =
    Array.isArray(fields.tool_calls) && fields.tool_calls.length > 0 ? fields.tool_calls : undefined;
  // One line a call, `name({...})`: nested objects would soon meet the depth limit.
  const toolCalls = calls?.map((call) => {
    const { name, args } = (call ?? {}) as { name?: unknown; args?: unknown };
    return `${String(name)}(${JSON.stringify(args ?? {})})`;
  });
  return { [role]: fields.content, ...(toolCalls ? { tool_calls: toolCalls } : {}) };
}

function messageTypeOfClass(className: string): string | undefined {
  const match = /^(Human|AI|System|Tool)Message(Chunk)?$/.exec(className);
  return match?.[1]?.toLowerCase();
}
