"use client";

import { useChat } from "@ai-sdk/react";
import { DefaultChatTransport } from "ai";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { type RunUIMessage, runDataPartSchemas } from "@/lib/runs/contract";
import { describeFailure } from "./failure-messages";
import { readRun } from "./read-run";
import { shownMessage } from "./seeded-message";

export type { RunStep, RunViewState, ToolCallView } from "./read-run";

/** How often, and how patiently, a dropped stream is picked up again. */
const RESUME_DELAYS_MS = [250, 1000, 2000, 4000, 8000];

/**
 * Runs a workflow through the AI SDK's `useChat` and reads the run's typed data parts back into
 * steps: each `data-step` is reconciled by its task id, and each text part joins its step through
 * its provider metadata.
 *
 * Runs are durable on the server, so the view can always reattach: `attach(runId)` (after a
 * reload) and a dropped connection both resume through `GET /api/runs/{id}/stream`, which replays
 * the run from its first event; the SDK resets the message on the replay's `start`, so nothing is
 * lost or doubled.
 *
 * `initialMessage` is the run as the server rendered it from the store: shown at once (a finished
 * run needs nothing more), and kept on screen while a live run's replay catches up with it.
 */
export function useRun(
  workflowId: string,
  options: {
    initialRunId?: string;
    onRunId?: (runId: string) => void;
    /** Where the run's stream is read from, when not the owner's `/api/runs/{id}/stream`. */
    streamPath?: string;
    /** Told when a run the view started or followed has ended. */
    onEnded?: () => void;
    initialMessage?: RunUIMessage;
  } = {},
) {
  const [seed, setSeed] = useState(options.initialMessage);
  const inputRef = useRef("");
  const runIdRef = useRef(options.initialRunId);
  const { streamPath } = options;
  const transport = useMemo(
    () =>
      new DefaultChatTransport<RunUIMessage>({
        api: "/api/runs",
        prepareSendMessagesRequest: () => ({ body: { workflow: workflowId, input: inputRef.current } }),
        prepareReconnectToStreamRequest: () => ({
          api: streamPath ?? `/api/runs/${encodeURIComponent(runIdRef.current ?? "")}/stream`,
        }),
      }),
    [workflowId, streamPath],
  );
  const chat = useChat<RunUIMessage>({
    id: `run-${workflowId}`,
    transport,
    dataPartSchemas: runDataPartSchemas,
    throttle: 40,
    messages: options.initialMessage ? [options.initialMessage] : undefined,
  });
  const { messages, status, error, sendMessage, setMessages, resumeStream } = chat;

  const shown = shownMessage(seed, messages.at(-1));
  const view = useMemo(() => readRun(shown, status, error), [shown, status, error]);
  // A live seed is not a lost stream: until the stream is first asked for, nothing was lost.
  const [awaitingAttach, setAwaitingAttach] = useState(
    () => options.initialMessage !== undefined && isLive(options.initialMessage),
  );
  useEffect(() => {
    if (status !== "ready") setAwaitingAttach(false);
  }, [status]);

  // Remember the run as soon as it has an id, and tell the page (which puts it in the URL).
  const runId = view.run?.runId;
  const { onRunId } = options;
  useEffect(() => {
    if (!runId) return;
    runIdRef.current = runId;
    onRunId?.(runId);
  }, [runId, onRunId]);

  // Tell the page once a run has ended (its quota note reads what is left).
  const ended = view.run !== undefined && view.run.status !== "running";
  const { onEnded } = options;
  useEffect(() => {
    if (ended) onEnded?.();
  }, [ended, onEnded]);

  const attach = useCallback(
    (id: string) => {
      runIdRef.current = id;
      void resumeStream();
    },
    [resumeStream],
  );

  // Reattach to the run this page was opened for (a reload, a link from the history), unless the
  // server already rendered all of it.
  const initialRunId = options.initialRunId;
  const renderedWhole = options.initialMessage !== undefined && !isLive(options.initialMessage);
  useEffect(() => {
    if (initialRunId && !renderedWhole) attach(initialRunId);
  }, [initialRunId, renderedWhole, attach]);

  // A stream that dropped while the run was still going: pick it up again, with growing pauses.
  const resumeAttempts = useRef(0);
  // The run's id comes from this render's view as well as the ref: a stream cut short right after
  // its first events can end in the same render that first shows the run, before the effect above
  // has stored the id, and no later render would notice the loss.
  const lostWhileRunning =
    (view.run?.runId ?? runIdRef.current) !== undefined &&
    view.run?.status === "running" &&
    !awaitingAttach &&
    (status === "error" || status === "ready");
  useEffect(() => {
    if (!lostWhileRunning) {
      if (status === "streaming") resumeAttempts.current = 0;
      return;
    }
    const delay = RESUME_DELAYS_MS[resumeAttempts.current];
    if (delay === undefined) return;
    resumeAttempts.current += 1;
    const timer = setTimeout(() => void resumeStream(), delay);
    return () => clearTimeout(timer);
  }, [lostWhileRunning, status, resumeStream]);

  const start = useCallback(
    (input: string) => {
      inputRef.current = input;
      runIdRef.current = undefined;
      resumeAttempts.current = 0;
      setSeed(undefined);
      setMessages([]);
      void sendMessage({ text: input });
    },
    [sendMessage, setMessages],
  );

  const stop = useCallback(async () => {
    const id = runIdRef.current;
    if (!id) return;
    await fetch(`/api/runs/${encodeURIComponent(id)}/stop`, { method: "POST" });
  }, []);

  /**
   * Answers the run's question: the run goes on on the server, and the view follows it again
   * (replayed from its start, so nothing is lost or doubled). Returns a refusal, if any.
   */
  const answer = useCallback(
    async (value: unknown) => {
      const id = runIdRef.current;
      if (!id) return undefined;
      const response = await fetch(`/api/runs/${encodeURIComponent(id)}/resume`, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify({ value }),
      }).catch(() => undefined);
      if (!response?.ok) {
        const body = await response?.text().catch(() => "");
        return describeFailure(new Error(body || "The answer did not reach the server; try again."));
      }
      resumeAttempts.current = 0;
      void resumeStream();
      return undefined;
    },
    [resumeStream],
  );

  const resuming = lostWhileRunning && resumeAttempts.current < RESUME_DELAYS_MS.length;
  return {
    ...view,
    busy: view.busy || resuming,
    // While it is being picked up again, a lost connection is not a failure yet.
    failure: resuming ? undefined : view.failure,
    resuming,
    start,
    stop,
    attach,
    answer,
  };
}

/** A stored run still going (or paused for a person): the page attaches to its stream. */
function isLive(message: RunUIMessage): boolean {
  const run = message.parts.findLast((part) => part.type === "data-run");
  return run?.type === "data-run" && (run.data.status === "running" || run.data.status === "waiting");
}
