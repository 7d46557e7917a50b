"use client";

import { useState } from "react";
import { ModelMarkdown } from "./markdown";
import { RESULT_ELEMENT_ID } from "./step-anchor";

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
      id={RESULT_ELEMENT_ID}
      // Focusable by script and by "Jump to result", so a keyboard or screen reader lands here.
      tabIndex={-1}
      className="scroll-mt-4 rounded-lg border-2 border-green-600/40 bg-card p-5 focus:outline-2 focus:outline-primary"
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
      <div className="text-sm leading-relaxed" data-markdown="result">
        <ModelMarkdown>{markdown}</ModelMarkdown>
      </div>
    </section>
  );
}
