"use client";

import type { ToolCallView } from "./read-run";

const stateWords: Record<ToolCallView["state"], { word: string; style: string }> = {
  "input-streaming": { word: "Preparing", style: "bg-slate-100 text-slate-700" },
  "input-available": { word: "Running", style: "bg-blue-100 text-blue-800" },
  "output-available": { word: "Done", style: "bg-green-100 text-green-800" },
  "output-error": { word: "Failed", style: "bg-red-100 text-red-800" },
};

/** Shows a value compactly: text as it is, anything else as JSON, cut at 800 characters. */
function shown(value: unknown): string {
  const text = typeof value === "string" ? value : JSON.stringify(value, null, 2);
  if (text === undefined) return "";
  return text.length > 800 ? `${text.slice(0, 799)}…` : text;
}

/** A step's tool calls: each with its input, its state, and its result or error. */
export function ToolCallList({ calls }: { calls: readonly ToolCallView[] }) {
  if (calls.length === 0) return null;
  return (
    <ul className="mt-3 space-y-2" aria-label="Tool calls">
      {calls.map((call) => {
        const state = stateWords[call.state];
        return (
          <li
            key={call.toolCallId}
            className="rounded-md border border-border bg-background p-2 text-xs"
            data-testid="tool-call"
            data-tool={call.toolName}
            data-state={call.state}
          >
            <div className="flex items-center gap-2">
              <span className="font-mono font-semibold">{call.toolName}</span>
              <span className={`rounded-full px-2 py-0.5 font-medium ${state.style}`}>
                {call.state === "input-available" && (
                  <span
                    className="mr-1 inline-block size-1.5 animate-pulse rounded-full bg-current"
                    aria-hidden
                  />
                )}
                {state.word}
              </span>
            </div>
            <pre
              className="mt-1 overflow-x-auto whitespace-pre-wrap text-muted-foreground"
              data-testid="tool-input"
            >
              {shown(call.input)}
            </pre>
            {call.state === "output-available" && (
              <pre className="mt-1 overflow-x-auto whitespace-pre-wrap" data-testid="tool-output">
                {shown(call.output)}
              </pre>
            )}
            {call.state === "output-error" && (
              <p className="mt-1 text-red-700" data-testid="tool-error">
                {call.errorText}
              </p>
            )}
          </li>
        );
      })}
    </ul>
  );
}
