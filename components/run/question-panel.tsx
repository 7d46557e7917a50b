"use client";

import { useId, useState } from "react";
import type { InterruptPart } from "@/lib/runs/contract";
import type { FailureNotice } from "./failure-messages";

/**
 * The question a paused run asks (LangGraph's `interrupt()`): approve it, edit what it proposes
 * (as JSON), or reject it with a reason. The answer resumes the run.
 */
export function QuestionPanel({
  question,
  onAnswer,
  readOnly = false,
}: {
  question: InterruptPart;
  onAnswer: (value: unknown) => Promise<FailureNotice | undefined>;
  readOnly?: boolean;
}) {
  const [mode, setMode] = useState<"ask" | "edit" | "reject">("ask");
  const [draft, setDraft] = useState(() => JSON.stringify(question.payload ?? null, null, 2));
  const [reason, setReason] = useState("");
  const [sending, setSending] = useState(false);
  const [problem, setProblem] = useState<string>();
  const editId = useId();
  const reasonId = useId();
  const send = async (value: unknown) => {
    setSending(true);
    setProblem(undefined);
    const refused = await onAnswer(value);
    if (refused) {
      setProblem(refused.detail);
      setSending(false);
    }
  };
  const submitEdit = () => {
    let payload: unknown;
    try {
      payload = JSON.parse(draft);
    } catch {
      setProblem("That is not valid JSON; check the brackets and quotes.");
      return;
    }
    void send({ action: "edit", payload });
  };
  const can = (action: InterruptPart["actions"][number]) => question.actions.includes(action);
  return (
    <section
      className="rounded-lg border-2 border-violet-400 bg-violet-50 p-4"
      aria-label="The run asks you"
      data-testid="question"
    >
      <p className="font-medium text-violet-900">{question.question}</p>
      {question.payload !== undefined && mode !== "edit" && (
        <pre
          className="mt-2 max-h-64 overflow-auto whitespace-pre-wrap rounded bg-white p-2 text-xs"
          data-testid="question-payload"
        >
          {JSON.stringify(question.payload, null, 2)}
        </pre>
      )}
      {readOnly ? (
        <p className="mt-2 text-sm text-violet-800">Waiting for the run's owner to answer.</p>
      ) : mode === "edit" ? (
        <div className="mt-2 space-y-2">
          <label htmlFor={editId} className="block text-sm font-medium text-violet-900">
            Edit, then send (JSON)
          </label>
          <textarea
            id={editId}
            value={draft}
            onChange={(event) => setDraft(event.target.value)}
            rows={8}
            className="w-full rounded-md border border-border bg-white p-2 font-mono text-xs"
          />
          <div className="flex gap-2">
            <button
              type="button"
              disabled={sending}
              onClick={submitEdit}
              className="rounded-md bg-violet-700 px-3 py-1 text-sm text-white disabled:opacity-50"
            >
              Send the edit
            </button>
            <button
              type="button"
              disabled={sending}
              onClick={() => setMode("ask")}
              className="rounded-md border border-border px-3 py-1 text-sm"
            >
              Cancel
            </button>
          </div>
        </div>
      ) : mode === "reject" ? (
        <div className="mt-2 space-y-2">
          <label htmlFor={reasonId} className="block text-sm font-medium text-violet-900">
            Why? (optional)
          </label>
          <input
            id={reasonId}
            value={reason}
            onChange={(event) => setReason(event.target.value)}
            className="w-full rounded-md border border-border bg-white p-2 text-sm"
          />
          <div className="flex gap-2">
            <button
              type="button"
              disabled={sending}
              onClick={() => void send({ action: "reject", reason })}
              className="rounded-md bg-red-700 px-3 py-1 text-sm text-white disabled:opacity-50"
            >
              Reject
            </button>
            <button
              type="button"
              disabled={sending}
              onClick={() => setMode("ask")}
              className="rounded-md border border-border px-3 py-1 text-sm"
            >
              Cancel
            </button>
          </div>
        </div>
      ) : (
        <div className="mt-3 flex flex-wrap gap-2">
          {can("approve") && (
            <button
              type="button"
              disabled={sending}
              onClick={() => void send({ action: "approve" })}
              className="rounded-md bg-violet-700 px-3 py-1 text-sm font-medium text-white disabled:opacity-50"
            >
              Approve
            </button>
          )}
          {can("edit") && question.payload !== undefined && (
            <button
              type="button"
              disabled={sending}
              onClick={() => setMode("edit")}
              className="rounded-md border border-violet-400 bg-white px-3 py-1 text-sm"
            >
              Edit
            </button>
          )}
          {can("reject") && (
            <button
              type="button"
              disabled={sending}
              onClick={() => setMode("reject")}
              className="rounded-md border border-red-300 bg-white px-3 py-1 text-sm text-red-800"
            >
              Reject…
            </button>
          )}
        </div>
      )}
      {problem && (
        <p role="alert" className="mt-2 text-sm text-red-700">
          {problem}
        </p>
      )}
    </section>
  );
}
