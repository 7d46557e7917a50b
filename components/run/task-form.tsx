"use client";

import {
  type ClipboardEvent,
  type FormEvent,
  type KeyboardEvent,
  useEffect,
  useId,
  useLayoutEffect,
  useRef,
  useState,
} from "react";
import type { ModelInfo } from "@/lib/runs/contract";
import { MAX_INPUT_CHARS } from "@/lib/runs/limits";
import { takeEarlyTaskInput } from "./early-task-input";
import { QuotaNote } from "./quota-note";
import {
  cutToLimit,
  describeCount,
  describeCut,
  isRunShortcut,
  pasteWithinLimit,
  runBlockedReason,
} from "./task-input";
import { useRunFocus } from "./use-run-focus";

/**
 * The task box with Run and Stop. It says how long the task is against the server's limit, what a
 * paste lost when it did not fit, and why Run cannot run (Run stays focusable and explains rather
 * than going silently grey). Ctrl/Cmd+Enter runs; focus goes to Stop on Run and back to Run when
 * the run ends.
 */
export function TaskForm({
  initialInput,
  busy,
  canStop,
  stopping,
  model,
  quotaVersion,
  onRun,
  onStop,
  openedOnOwnStart,
}: {
  initialInput: string;
  busy: boolean;
  /** Whether the run has an id yet, so Stop has something to stop. */
  canStop: boolean;
  stopping: boolean;
  model: ModelInfo;
  quotaVersion: number;
  onRun: (task: string) => void;
  onStop: () => void;
  /** Asked once on mount: whether this page opened on a run just started from another page. */
  openedOnOwnStart?: () => boolean;
}) {
  const [input, setInput] = useState(initialInput);
  const [dropped, setDropped] = useState(0);
  const [nudged, setNudged] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const taskRef = useRef<HTMLTextAreaElement>(null);
  const runRef = useRef<HTMLButtonElement>(null);
  const stopRef = useRef<HTMLButtonElement>(null);
  const ids = useId();
  const { startedByPerson } = useRunFocus({
    busy,
    form: formRef,
    run: runRef,
    stop: stopRef,
    openedOnOwnStart,
  });

  // Typed, or Run pressed, before the page hydrated (components/run/early-task-input.ts):
  // hydration has just put the server's text back into the box, so the person's text comes back
  // before the first paint, and a held-back Run goes ahead with it.
  const [runEarly, setRunEarly] = useState(false);
  useLayoutEffect(() => {
    const early = takeEarlyTaskInput();
    if (early?.value !== undefined) setInput(cutToLimit(early.value, MAX_INPUT_CHARS));
    if (early?.run) setRunEarly(true);
  }, []);
  useEffect(() => {
    if (!runEarly) return;
    setRunEarly(false);
    formRef.current?.requestSubmit();
  }, [runEarly]);

  const blocked = runBlockedReason({ task: input, busy });
  // A new reason (or none) has not been pointed out yet.
  useEffect(() => {
    void blocked;
    setNudged(false);
  }, [blocked]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (blocked) {
      // Nothing runs; the reason stands out, and an empty box takes focus to be written in.
      setNudged(true);
      if (!busy) taskRef.current?.focus();
      return;
    }
    startedByPerson();
    onRun(input.trim());
  };

  const keyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    const { key, ctrlKey, metaKey } = event;
    if (!isRunShortcut({ key, ctrlKey, metaKey, isComposing: event.nativeEvent.isComposing })) return;
    event.preventDefault();
    formRef.current?.requestSubmit();
  };

  // The browser's maxLength would cut a long paste without a word (and may split an emoji): keep
  // what fits ourselves, and say what did not.
  const paste = (event: ClipboardEvent<HTMLTextAreaElement>) => {
    const box = event.currentTarget;
    const pasted = event.clipboardData.getData("text/plain");
    const outcome = pasteWithinLimit(
      box.value,
      { start: box.selectionStart, end: box.selectionEnd },
      pasted,
      MAX_INPUT_CHARS,
    );
    setDropped(outcome.dropped);
    if (outcome.dropped === 0) return;
    event.preventDefault();
    const kept = outcome.value.slice(box.selectionStart, outcome.caret);
    // insertText keeps the paste on the undo stack; where it is refused, set the value outright.
    if (kept && document.execCommand("insertText", false, kept)) return;
    setInput(outcome.value);
    requestAnimationFrame(() => box.setSelectionRange(outcome.caret, outcome.caret));
  };

  const countId = `${ids}-count`;
  const cutId = `${ids}-cut`;
  const reasonId = `${ids}-reason`;
  return (
    <form ref={formRef} onSubmit={submit} className="space-y-3 rounded-lg border border-border bg-card p-4">
      <div className="flex items-baseline justify-between gap-3">
        <label htmlFor="task" className="block text-sm font-medium">
          Task
        </label>
        <span id={countId} className="text-xs tabular-nums text-muted-foreground" data-testid="task-count">
          {describeCount(input.length, MAX_INPUT_CHARS)}
        </span>
      </div>
      <div>
        <textarea
          ref={taskRef}
          id="task"
          name="task"
          value={input}
          maxLength={MAX_INPUT_CHARS}
          onChange={(event) => {
            setInput(event.target.value);
            if (event.target.value === "") setDropped(0);
          }}
          onPaste={paste}
          onKeyDown={keyDown}
          aria-describedby={dropped > 0 ? `${countId} ${cutId}` : countId}
          rows={2}
          className="w-full rounded-md border border-border bg-background p-2 text-sm focus:outline-2 focus:outline-primary"
        />
        <p id={cutId} role="status" className="mt-1 text-xs text-amber-800" data-testid="task-cut">
          {dropped > 0 ? describeCut(dropped, MAX_INPUT_CHARS) : ""}
        </p>
      </div>
      <div className="flex flex-wrap items-center gap-3">
        <button
          ref={runRef}
          type="submit"
          aria-disabled={blocked ? true : undefined}
          aria-describedby={blocked ? reasonId : undefined}
          aria-keyshortcuts="Control+Enter Meta+Enter"
          className="rounded-md bg-primary px-4 py-2 text-sm font-medium text-primary-foreground aria-disabled:cursor-not-allowed aria-disabled:opacity-50"
        >
          Run
        </button>
        {busy && (
          <button
            ref={stopRef}
            type="button"
            onClick={() => {
              if (canStop && !stopping) onStop();
            }}
            aria-disabled={stopping || !canStop ? true : undefined}
            className="rounded-md border border-red-300 px-4 py-2 text-sm font-medium text-red-700 hover:bg-red-50 aria-disabled:opacity-50"
          >
            {stopping ? "Stopping…" : "Stop"}
          </button>
        )}
        {blocked && (
          <span
            id={reasonId}
            className={nudged ? "text-sm font-medium text-foreground" : "text-sm text-muted-foreground"}
            data-testid="run-disabled-reason"
            data-nudged={nudged || undefined}
          >
            {blocked}
          </span>
        )}
        <ModelNote model={model} />
      </div>
      <QuotaNote version={quotaVersion} />
    </form>
  );
}

function ModelNote({ model }: { model: ModelInfo }) {
  if (model.provider === "bedrock") {
    return <span className="text-xs text-muted-foreground">Model: {model.label}</span>;
  }
  return (
    <span className="text-xs text-muted-foreground" data-testid="offline-model-note">
      <strong>Offline demo model</strong>: deterministic template text, no cloud. Set{" "}
      <code>BEDROCK_MODEL_ID</code> to run on Amazon Bedrock.
    </span>
  );
}
