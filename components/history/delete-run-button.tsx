"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import type { RunStatus } from "@/lib/runs/contract";
import { type RemovalPhase, removeRun } from "./run-removal";

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
/** The browser's fetch, called as a plain function (called as a method of another object, it throws). */
const browserFetch = (url: string, init?: RequestInit) => fetch(url, init);

/**
 * Deletes a run, offered only as it can succeed: a running run is "Stop and delete" (the server
 * deletes only a run that is not running), anything else a plain delete. On a run's own page it
 * goes back to the history afterwards; in the history list (`inList`) the list refreshes.
 */
export function DeleteRunButton({
  runId,
  status,
  inList = false,
}: {
  runId: string;
  status?: RunStatus;
  inList?: boolean;
}) {
  const router = useRouter();
  const [problem, setProblem] = useState<string>();
  const [phase, setPhase] = useState<RemovalPhase>();
  const stopFirst = status === "running";
  const remove = async () => {
    const question = stopFirst
      ? "Stop this run and delete it with everything stored about it?"
      : "Delete this run and everything stored about it?";
    if (!window.confirm(question)) return;
    setProblem(undefined);
    const outcome = await removeRun(runId, { stopFirst }, { fetch: browserFetch, sleep, onPhase: setPhase });
    setPhase(undefined);
    if (!outcome.ok) {
      setProblem(outcome.message);
      return;
    }
    if (!inList) router.push("/runs");
    router.refresh();
  };
  const label = phase === "stopping" ? "Stopping…" : phase === "deleting" ? "Deleting…" : undefined;
  return (
    <span className="inline-flex flex-wrap items-center gap-2">
      <button
        type="button"
        onClick={remove}
        disabled={phase !== undefined}
        className="rounded-md border border-border px-2 py-0.5 text-xs whitespace-nowrap hover:bg-muted disabled:opacity-50"
      >
        {label ?? (stopFirst ? "Stop and delete" : "Delete run")}
      </button>
      {problem && (
        <span role="alert" className="text-xs text-red-700" data-testid="delete-problem">
          {problem}
        </span>
      )}
    </span>
  );
}
