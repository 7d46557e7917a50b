"use client";

import { useState } from "react";
import { ModelMarkdown } from "./markdown";

/** The workflow's final output, with a copy button. */
export function RunResult({ markdown }: { markdown: string }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    await navigator.clipboard.writeText(markdown);
    setCopied(true);
    setTimeout(() => setCopied(false), 2000);
  };
  return (
    <section
      className="rounded-lg border-2 border-green-600/40 bg-card p-5"
      data-testid="run-result"
      aria-label="Result"
    >
      <div className="mb-3 flex items-center justify-between">
        <h2 className="text-lg font-semibold">Result</h2>
        <button
          type="button"
          onClick={copy}
          className="rounded-md border border-border px-3 py-1 text-sm hover:bg-muted"
        >
          {copied ? "Copied" : "Copy"}
        </button>
      </div>
      <div className="text-sm leading-relaxed">
        <ModelMarkdown>{markdown}</ModelMarkdown>
      </div>
    </section>
  );
}
