import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { Suspense } from "react";
import { RunViewSkeleton, StoredRunView } from "@/components/run/stored-run-view";
import { serverEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { requireSharedRun } from "@/lib/runs/owned-run";
import { getRunStore } from "@/lib/runs/store";
import { describeWorkflowById } from "@/lib/workflows/describe";
import { toRunViewWorkflow } from "@/lib/workflows/description";

export const metadata: Metadata = { title: "Shared run", robots: { index: false } };

/**
 * A run someone shared: anyone with the link sees it as stored (rendered by the server), follows
 * it live if it is still going, and changes nothing.
 */
export default async function SharedRunPage({ params }: PageProps<"/shared/[token]">) {
  await connection();
  const { token } = await params;
  const run = await requireSharedRun(await getRunStore(serverEnv()), token).catch((error: unknown) => {
    if (error instanceof AppError && error.code === "not_found") notFound();
    throw error;
  });
  const workflow = await describeWorkflowById(run.workflow);
  if (!workflow) notFound();
  return (
    <div className="space-y-6">
      <div>
        <p className="text-xs font-medium uppercase tracking-wide text-primary">
          Shared run of {workflow.title}
        </p>
        <h1 className="line-clamp-2 text-2xl font-semibold tracking-tight">{run.input}</h1>
      </div>
      <Suspense fallback={<RunViewSkeleton />}>
        <StoredRunView
          runId={run.id}
          workflow={toRunViewWorkflow(workflow)}
          model={run.model}
          initialInput={run.input}
          sharedStreamPath={`/api/shared/${encodeURIComponent(token)}/stream`}
        />
      </Suspense>
    </div>
  );
}
