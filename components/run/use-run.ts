"use client";

import { useChat } from "@ai-sdk/react";
import { DefaultChatTransport } from "ai";
import { useCallback, useMemo, useRef } from "react";
import {
  type ResultPart,
  type RunPart,
  type RunUIMessage,
  runDataPartSchemas,
  type StepPart,
  taskIdOfTextPart,
} from "@/lib/runs/contract";
import { describeFailure, type FailureNotice } from "./failure-messages";

export interface RunStep extends StepPart {
  text: string;
}

export interface RunViewState {
  run?: RunPart;
  steps: RunStep[];
  result?: ResultPart;
  /** True from the moment Run is pressed until the stream's terminal part arrives. */
  busy: boolean;
  failure?: FailureNotice;
}

/**
 * Runs a workflow through the AI SDK's `useChat` and reads the run's typed data parts back into
 * steps: each `data-step` is reconciled by its task id, and each text part joins its step through
 * its provider metadata.
 */
export function useRun(workflowId: string) {
  const inputRef = useRef("");
  const transport = useMemo(
    () =>
      new DefaultChatTransport<RunUIMessage>({
        api: "/api/runs",
        prepareSendMessagesRequest: () => ({ body: { workflow: workflowId, input: inputRef.current } }),
      }),
    [workflowId],
  );
  const chat = useChat<RunUIMessage>({
    id: `run-${workflowId}`,
    transport,
    dataPartSchemas: runDataPartSchemas,
    throttle: 40,
  });
  const { messages, status, error, sendMessage, setMessages } = chat;

  const view = useMemo(() => readRun(messages.at(-1), status, error), [messages, status, error]);

  const start = useCallback(
    (input: string) => {
      inputRef.current = input;
      setMessages([]);
      void sendMessage({ text: input });
    },
    [sendMessage, setMessages],
  );

  const stop = useCallback(async () => {
    const runId = view.run?.runId;
    if (!runId) return;
    await fetch(`/api/runs/${encodeURIComponent(runId)}/stop`, { method: "POST" });
  }, [view.run?.runId]);

  return { ...view, start, stop };
}

function readRun(message: RunUIMessage | undefined, status: string, error: Error | undefined): RunViewState {
  const streaming = status === "submitted" || status === "streaming";
  if (message?.role !== "assistant") {
    return { steps: [], busy: streaming, failure: error ? describeFailure(error) : undefined };
  }
  let run: RunPart | undefined;
  let result: ResultPart | undefined;
  const steps = new Map<string, RunStep>();
  const texts = new Map<string, string>();
  for (const part of message.parts) {
    if (part.type === "data-run") run = part.data;
    else if (part.type === "data-result") result = part.data;
    else if (part.type === "data-step") steps.set(part.data.taskId, { ...part.data, text: "" });
    else if (part.type === "text") {
      const taskId = taskIdOfTextPart(part);
      if (taskId) texts.set(taskId, part.text);
    }
  }
  for (const [taskId, text] of texts) {
    const step = steps.get(taskId);
    if (step) step.text = text;
  }
  const failure = run?.error ? describeFailure(run.error) : error ? describeFailure(error) : undefined;
  return {
    run,
    result,
    steps: [...steps.values()],
    busy: streaming && (run === undefined || run.status === "running"),
    failure,
  };
}
