"use client";

import { type FormEvent, useCallback, useEffect, useMemo, useState } from "react";
import { GraphDiagram } from "@/components/graph/graph-diagram";
import type { ModelInfo, RunUIMessage } from "@/lib/runs/contract";
import { MAX_INPUT_CHARS } from "@/lib/runs/limits";
import type { RunViewWorkflow } from "@/lib/workflows/description";
import { nodeActivity } from "./node-activity";
import { QuestionPanel } from "./question-panel";
import { localTime, QuotaNote } from "./quota-note";
import { openQuestion } from "./read-run";
import { RunAnnouncer } from "./run-announcer";
import { RunResult } from "./run-result";
import { RunSummary } from "./run-summary";
import { StepTimeline } from "./step-timeline";
import { StepWaterfall } from "./step-waterfall";
import { useRun } from "./use-run";
import { useRunNavigation } from "./use-run-navigation";

/**
 * The live run page: task input, the graph lighting up, a timeline of steps, and the result. With
 * `initialRunId` it attaches to that run (live or finished) instead of waiting for a new one; with
 * `runInUrl`, a started run's id goes into the address (`?run=`), so a reload reattaches to it.
 * With `initialMessage` (the run as stored, read by the server) the page shows the run at once.
 */
export function RunView({
  workflow,
  model,
  initialRunId,
  initialInput,
  runInUrl = false,
  sharedStreamPath,
  initialMessage,
}: {
  workflow: RunViewWorkflow;
  model: ModelInfo;
  initialRunId?: string;
  initialInput?: string;
  runInUrl?: boolean;
  /** A shared run, read-only: its stream comes from the share link, and nothing can be started. */
  sharedStreamPath?: string;
  initialMessage?: RunUIMessage;
}) {
  const readOnly = sharedStreamPath !== undefined;
  const [quotaVersion, setQuotaVersion] = useState(0);
  const quotaChanged = useCallback(() => setQuotaVersion((version) => version + 1), []);
  const [input, setInput] = useState(initialInput ?? workflow.exampleInput);
  const [lastInput, setLastInput] = useState<string | undefined>(initialInput);
  const onRunId = useCallback(
    (runId: string) => {
      if (!runInUrl) return;
      const url = new URL(window.location.href);
      if (url.searchParams.get("run") === runId) return;
      url.searchParams.set("run", runId);
      window.history.replaceState(window.history.state, "", url);
    },
    [runInUrl],
  );
  const { run, steps, allSteps, questions, result, busy, failure, resuming, start, stop, answer } = useRun(
    workflow.id,
    {
      initialRunId,
      onRunId,
      streamPath: sharedStreamPath,
      onEnded: quotaChanged,
      initialMessage,
    },
  );
  // A refused run changes nothing, but the note should say why; read it again.
  const refusedCode = failure?.resetsAt !== undefined ? failure.code : undefined;
  useEffect(() => {
    if (refusedCode) quotaChanged();
  }, [refusedCode, quotaChanged]);
  const [stopping, setStopping] = useState(false);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const task = input.trim();
    if (!task || busy) return;
    setLastInput(task);
    setStopping(false);
    start(task);
  };
  const requestStop = async () => {
    setStopping(true);
    await stop();
  };

  const activity = useMemo(() => nodeActivity(allSteps), [allSteps]);
  const nodeOrder = useMemo(() => workflow.graph.nodes.map((node) => node.id), [workflow.graph]);
  const question = openQuestion({ run, questions });

  const live = run?.status === "running";
  const { following, follow, showStep, showNode, showResult } = useRunNavigation({
    allSteps,
    hasResult: result !== undefined,
    live: live || busy,
  });

  return (
    <div className="space-y-6">
      {readOnly ? (
        <p
          className="rounded-lg border border-border bg-card p-4 text-sm text-muted-foreground"
          data-testid="shared-note"
        >
          A shared run, read-only
          {initialInput ? (
            <>
              : <span className="text-foreground">{initialInput}</span>
            </>
          ) : null}
        </p>
      ) : (
        <form onSubmit={submit} className="space-y-3 rounded-lg border border-border bg-card p-4">
          <label htmlFor="task" className="block text-sm font-medium">
            Task
          </label>
          <textarea
            id="task"
            name="task"
            value={input}
            maxLength={MAX_INPUT_CHARS}
            onChange={(event) => setInput(event.target.value)}
            rows={2}
            className="w-full rounded-md border border-border bg-background p-2 text-sm focus:outline-2 focus:outline-primary"
          />
          <div className="flex flex-wrap items-center gap-3">
            <button
              type="submit"
              disabled={busy || input.trim() === ""}
              className="rounded-md bg-primary px-4 py-2 text-sm font-medium text-primary-foreground disabled:opacity-50"
            >
              Run
            </button>
            {busy && (
              <button
                type="button"
                onClick={requestStop}
                disabled={stopping || !run}
                className="rounded-md border border-red-300 px-4 py-2 text-sm font-medium text-red-700 hover:bg-red-50 disabled:opacity-50"
              >
                {stopping ? "Stopping…" : "Stop"}
              </button>
            )}
            <ModelNote model={model} />
          </div>
          <QuotaNote version={quotaVersion} />
        </form>
      )}

      <RunAnnouncer steps={allSteps} status={run?.status} />

      {question && <QuestionPanel question={question} onAnswer={answer} readOnly={readOnly} />}

      {resuming && (
        <p role="status" className="text-sm text-muted-foreground" data-testid="run-resuming">
          Connection lost; picking the run up again…
        </p>
      )}

      {failure && (
        <div role="alert" className="rounded-lg border border-red-300 bg-red-50 p-4" data-testid="run-error">
          <p className="font-medium text-red-800">{failure.title}</p>
          <p className="mt-1 text-sm text-red-700">{failure.detail}</p>
          {failure.resetsAt !== undefined && (
            <p className="mt-1 text-sm text-red-700" data-testid="run-error-reset">
              That resets at {localTime(failure.resetsAt)}, your time.
            </p>
          )}
          {lastInput && failure.retryable && !readOnly && (
            <button
              type="button"
              onClick={() => start(lastInput)}
              className="mt-3 rounded-md border border-red-300 bg-white px-3 py-1 text-sm text-red-800 hover:bg-red-100"
            >
              Retry
            </button>
          )}
        </div>
      )}

      <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_minmax(0,2fr)]">
        <aside className="space-y-3 lg:sticky lg:top-4 lg:self-start">
          <div className="rounded-lg border border-border bg-card p-3">
            <GraphDiagram
              graph={workflow.graph}
              activity={activity}
              title={`${workflow.title} graph`}
              onSelectNode={showNode}
            />
          </div>
          {run && (
            <RunSummary
              run={run}
              steps={allSteps}
              hasResult={result !== undefined}
              canFollow={live && !following}
              onFollow={follow}
              onJump={showResult}
            />
          )}
        </aside>
        <div className="space-y-6">
          {steps.length === 0 && !busy && !result && !readOnly && (
            <p className="text-sm text-muted-foreground">
              Press Run to watch every step of the workflow stream in.
            </p>
          )}
          {steps.length === 0 && busy && <p className="text-sm text-muted-foreground">Starting the run…</p>}
          <StepWaterfall
            steps={steps}
            runStartedAt={run?.startedAt}
            live={live}
            nodeOrder={nodeOrder}
            onSelect={showStep}
          />
          <StepTimeline steps={steps} nodeOrder={nodeOrder} />
          {result && <RunResult markdown={result.markdown} />}
        </div>
      </div>
    </div>
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
