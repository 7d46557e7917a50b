import "server-only";
import { type RunChunk, runParts } from "../contract";

/** One piece of a model's streamed tool call (LangChain's `tool_call_chunks`). */
export interface ToolCallChunk {
  id?: string;
  name?: string;
  args?: string;
  index?: number;
}

/** A whole tool call, as a finished model message has it (LangChain's `tool_calls`). */
export interface ToolCall {
  id?: string;
  name: string;
  args: unknown;
}

interface OpenCall {
  toolName: string;
  taskId: string;
  /** Has `tool-input-available` been written? */
  ready: boolean;
  done: boolean;
}

/**
 * The tool calls of a run's model calls, as the AI SDK's tool parts: input streaming while the
 * model writes the call's arguments, input available once its message is whole, then output or
 * error when the tool has run. Each is tied to the task whose model made it.
 */
export class ToolCallBook {
  readonly #calls = new Map<string, OpenCall>();
  /** Which call a chunk index of a model call's stream belongs to, per model call. */
  readonly #byIndex = new Map<string, string>();

  constructor(private readonly write: (chunk: RunChunk) => void) {}

  /** Pieces of calls as the model streams them; `callKey` names the model call. */
  streamed(callKey: string, taskId: string, chunks: readonly ToolCallChunk[]): void {
    for (const chunk of chunks) {
      const slot = `${callKey}#${chunk.index ?? 0}`;
      let toolCallId = this.#byIndex.get(slot);
      if (!toolCallId && chunk.id && chunk.name) {
        toolCallId = chunk.id;
        this.#byIndex.set(slot, toolCallId);
        this.#calls.set(toolCallId, { toolName: chunk.name, taskId, ready: false, done: false });
        this.write(runParts.toolInputStart(toolCallId, chunk.name, taskId));
      }
      if (toolCallId && chunk.args) this.write(runParts.toolInputDelta(toolCallId, chunk.args));
    }
  }

  /** The model call ended: its calls, whole. Calls it never streamed start here. */
  completed(callKey: string, taskId: string, calls: readonly ToolCall[]): void {
    for (const [index, call] of calls.entries()) {
      const toolCallId = call.id ?? this.#byIndex.get(`${callKey}#${index}`) ?? `${callKey}-${index}`;
      let open = this.#calls.get(toolCallId);
      if (!open) {
        open = { toolName: call.name, taskId, ready: false, done: false };
        this.#calls.set(toolCallId, open);
        this.write(runParts.toolInputStart(toolCallId, call.name, taskId));
      }
      if (!open.ready) {
        open.ready = true;
        this.write(runParts.toolInputAvailable(toolCallId, call.name, call.args ?? {}, taskId));
      }
    }
    for (const key of [...this.#byIndex.keys()]) if (key.startsWith(`${callKey}#`)) this.#byIndex.delete(key);
  }

  /** The tool ran: its result. */
  succeeded(toolCallId: string, output: unknown): void {
    const call = this.#calls.get(toolCallId);
    if (!call || call.done) return;
    call.done = true;
    this.write(runParts.toolOutput(toolCallId, output));
  }

  /** The tool threw: the error, for the person and (through its ToolMessage) the model. */
  failed(toolCallId: string, errorText: string): void {
    const call = this.#calls.get(toolCallId);
    if (!call || call.done) return;
    call.done = true;
    this.write(runParts.toolError(toolCallId, errorText));
  }

  /** The run ends: a call still open can no longer finish, and says why. */
  closeOpen(reason: string): void {
    for (const [toolCallId, call] of this.#calls) {
      if (call.done) continue;
      if (!call.ready) {
        call.ready = true;
        this.write(runParts.toolInputAvailable(toolCallId, call.toolName, {}, call.taskId));
      }
      this.failed(toolCallId, reason);
    }
  }
}
