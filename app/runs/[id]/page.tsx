import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { Suspense } from "react";
import { DeleteRunButton } from "@/components/history/delete-run-button";
import { ShareRunButton } from "@/components/history/share-run-button";
import { RunViewSkeleton, StoredRunView } from "@/components/run/stored-run-view";
import { LocalTime } from "@/components/ui/local-time";
import { pageVisitor } from "@/lib/auth/visitor";
import { serverEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { publicOriginOfPage } from "@/lib/http/page-origin";
import { describeModel } from "@/lib/models/factory";
import { findOwnedRun } from "@/lib/runs/owned-run";
import { shareUrl } from "@/lib/runs/share";
import { getRunStore } from "@/lib/runs/store";
import { describeWorkflowById } from "@/lib/workflows/describe";
import { toRunViewWorkflow } from "@/lib/workflows/description";

export const metadata: Metadata = { title: "Run" };

/**
 * One of the visitor's runs, rendered by the server from the store (streamed in under Suspense
 * after the header), then followed live in the browser if it is still going. Someone else's run
 * is not found, exactly as an unknown one.
 */
export default async function RunPage({ params }: PageProps<"/runs/[id]">) {
  await connection();
  const { id } = await params;
  const visitor = await pageVisitor();
  if (!visitor) notFound();
  const lookup = await findOwnedRun(await getRunStore(serverEnv()), id, visitor.id).catch(
    (error: unknown) => {
      if (error instanceof AppError && error.code === "not_found") notFound();
      throw error;
    },
  );
  if (lookup.kind === "corrupt") {
    return (
      <div className="space-y-4">
        <BackLink />
        <div
          role="alert"
          className="rounded-lg border border-red-300 bg-red-50 p-4"
          data-testid="run-corrupt"
        >
          <p className="font-medium text-red-800">This run cannot be shown</p>
          <p className="mt-1 text-sm text-red-700">
            Its stored record is damaged ({lookup.reason}). Other runs are not affected.
          </p>
        </div>
      </div>
    );
  }
  const run = lookup.run;
  const workflow = await describeWorkflowById(run.workflow);
  if (!workflow) notFound();
  const origin = await publicOriginOfPage();
  return (
    <div className="space-y-6">
      <div>
        <BackLink />
        <p className="mt-3 text-xs font-medium uppercase tracking-wide text-primary">
          Run of {workflow.title}
        </p>
        <h1 className="line-clamp-2 text-2xl font-semibold tracking-tight">{run.input}</h1>
        <div className="mt-2 flex flex-wrap items-center gap-4 text-sm text-muted-foreground">
          <span>
            Started <LocalTime at={run.createdAt} relative={false} />
          </span>
          {run.stoppedBy && <span>Stopped by {run.stoppedBy.by === "user" ? "you" : run.stoppedBy.by}</span>}
          <ShareRunButton
            runId={run.id}
            initialUrl={run.shareToken ? shareUrl(origin, run.shareToken) : undefined}
          />
          <DeleteRunButton runId={run.id} status={run.status} />
        </div>
      </div>
      <Suspense fallback={<RunViewSkeleton />}>
        <StoredRunView
          runId={run.id}
          workflow={toRunViewWorkflow(workflow)}
          model={run.model ?? describeModel(serverEnv())}
          initialInput={run.input}
          newRunsOnOwnPage
        />
      </Suspense>
    </div>
  );
}

function BackLink() {
  return (
    <Link href="/runs" className="text-sm text-muted-foreground hover:text-foreground">
      ← Run history
    </Link>
  );
}
