"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";

/** Deletes a run (the server refuses one still going) and goes back to the history. */
export function DeleteRunButton({ runId }: { runId: string }) {
  const router = useRouter();
  const [problem, setProblem] = useState<string>();
  const [deleting, setDeleting] = useState(false);
  const remove = async () => {
    if (!window.confirm("Delete this run and everything stored about it?")) return;
    setDeleting(true);
    setProblem(undefined);
    const response = await fetch(`/api/runs/${encodeURIComponent(runId)}`, { method: "DELETE" });
    if (response.ok) {
      router.push("/runs");
      router.refresh();
      return;
    }
    const body = (await response.json().catch(() => undefined)) as
      | { error?: { message?: string } }
      | undefined;
    setProblem(body?.error?.message ?? "The run could not be deleted.");
    setDeleting(false);
  };
  return (
    <span className="inline-flex items-center gap-2">
      <button
        type="button"
        onClick={remove}
        disabled={deleting}
        className="rounded-md border border-border px-2 py-0.5 text-xs hover:bg-muted disabled:opacity-50"
      >
        {deleting ? "Deleting…" : "Delete run"}
      </button>
      {problem && (
        <span role="alert" className="text-xs text-red-700">
          {problem}
        </span>
      )}
    </span>
  );
}
