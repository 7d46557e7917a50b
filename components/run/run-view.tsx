"use client";

import { useRouter } from "next/navigation";
import { useCallback, useEffect, useMemo, useState } from "react";
import { nodeOrder as diagramNodeOrder } from "@/components/graph/diagram";
import { GraphDiagram } from "@/components/graph/graph-diagram";
import type { ModelInfo, RunUIMessage } from "@/lib/runs/contract";
import type { RunViewWorkflow } from "@/lib/workflows/description";
import { nodeActivity } from "./node-activity";
import { QuestionPanel } from "./question-panel";
import { localTime } from "./quota-note";
import { openQuestion } from "./read-run";
import { RunAnnouncer } from "./run-announcer";
import { noteRunStartedHere, runPagePath, takeRunStartedHere } from "./run-handoff";
import { RunResult } from "./run-result";
import { RunSummary } from "./run-summary";
import { StepTimeline } from "./step-timeline";
import { StepWaterfall } from "./step-waterfall";
import { TaskForm } from "./task-form";
import { useRun } from "./use-run";
import { useRunNavigation } from "./use-run-navigation";

/**
 * The live run page: task input, the graph lighting up, a timeline of steps, and the result. With
 * `initialRunId` it attaches to that run (live or finished) instead of waiting for a new one; with
 * `runInUrl`, a started run's id goes into the address (`?run=`), so a reload reattaches to it;
 * with `newRunsOnOwnPage` (a run's own page), a started run opens at its own page instead.
 * With `initialMessage` (the run as stored, read by the server) the page shows the run at once.
 */
export function RunView({
  workflow,
  model,
  initialRunId,
  initialInput,
  runInUrl = false,
  newRunsOnOwnPage = false,
  sharedStreamPath,
  initialMessage,
}: {
  workflow: RunViewWorkflow;
  model: ModelInfo;
  initialRunId?: string;
  initialInput?: string;
  runInUrl?: boolean;
  newRunsOnOwnPage?: boolean;
  /** A shared run, read-only: its stream comes from the share link, and nothing can be started. */
  sharedStreamPath?: string;
  initialMessage?: RunUIMessage;
}) {
  const readOnly = sharedStreamPath !== undefined;
  const [quotaVersion, setQuotaVersion] = useState(0);
  const quotaChanged = useCallback(() => setQuotaVersion((version) => version + 1), []);
  const [lastInput, setLastInput] = useState<string | undefined>(initialInput);
  const router = useRouter();
  const onRunId = useCallback(
    (runId: string) => {
      if (runId === initialRunId) return;
      if (newRunsOnOwnPage) {
        // Not under the old run's title: the new run's own page attaches to its stream.
        noteRunStartedHere(runId);
        router.push(runPagePath(runId));
        return;
      }
      if (!runInUrl) return;
      const url = new URL(window.location.href);
      if (url.searchParams.get("run") === runId) return;
      url.searchParams.set("run", runId);
      window.history.replaceState(window.history.state, "", url);
    },
    [initialRunId, newRunsOnOwnPage, router, runInUrl],
  );
  const openedOnOwnStart = useCallback(
    () => initialRunId !== undefined && takeRunStartedHere(initialRunId),
    [initialRunId],
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

  const startTask = (task: string) => {
    setLastInput(task);
    setStopping(false);
    start(task);
  };
  const requestStop = async () => {
    setStopping(true);
    await stop();
  };

  const activity = useMemo(() => nodeActivity(allSteps), [allSteps]);
  const nodeOrder = useMemo(() => diagramNodeOrder(workflow.graph), [workflow.graph]);
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
        <TaskForm
          initialInput={initialInput ?? workflow.exampleInput}
          busy={busy}
          canStop={run !== undefined}
          stopping={stopping}
          model={model}
          quotaVersion={quotaVersion}
          onRun={startTask}
          onStop={requestStop}
          openedOnOwnStart={openedOnOwnStart}
        />
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
