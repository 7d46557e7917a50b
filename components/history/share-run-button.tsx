"use client";

import { useState } from "react";

/**
 * Shares a run as a read-only link (POST /api/runs/{id}/share), shows the link to copy, and
 * revokes it (DELETE), after which the link answers 404.
 */
export function ShareRunButton({ runId, initialUrl }: { runId: string; initialUrl?: string }) {
  const [url, setUrl] = useState(initialUrl);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string>();
  const path = `/api/runs/${encodeURIComponent(runId)}/share`;
  const call = async (method: "POST" | "DELETE") => {
    setBusy(true);
    setProblem(undefined);
    const response = await fetch(path, { method }).catch(() => undefined);
    const body = (await response?.json().catch(() => undefined)) as
      | { url?: string; error?: { message?: string } }
      | undefined;
    if (response?.ok) setUrl(method === "POST" ? body?.url : undefined);
    else setProblem(body?.error?.message ?? "That did not work; try again.");
    setBusy(false);
  };
  return (
    <span className="inline-flex flex-wrap items-center gap-2" data-testid="share">
      {url ? (
        <>
          <input
            readOnly
            value={url}
            aria-label="Share link"
            data-testid="share-url"
            onFocus={(event) => event.currentTarget.select()}
            className="w-72 rounded-md border border-border bg-background px-2 py-0.5 text-xs"
          />
          <button
            type="button"
            onClick={() => void navigator.clipboard?.writeText(url)}
            className="rounded-md border border-border px-2 py-0.5 text-xs hover:bg-muted"
          >
            Copy
          </button>
          <button
            type="button"
            disabled={busy}
            onClick={() => void call("DELETE")}
            className="rounded-md border border-border px-2 py-0.5 text-xs hover:bg-muted disabled:opacity-50"
          >
            Stop sharing
          </button>
        </>
      ) : (
        <button
          type="button"
          disabled={busy}
          onClick={() => void call("POST")}
          className="rounded-md border border-border px-2 py-0.5 text-xs hover:bg-muted disabled:opacity-50"
        >
          Share read-only link
        </button>
      )}
      {problem && (
        <span role="alert" className="text-xs text-red-700">
          {problem}
        </span>
      )}
    </span>
  );
}
