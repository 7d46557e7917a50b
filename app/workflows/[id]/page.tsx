import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { Suspense } from "react";
import { RunView } from "@/components/run/run-view";
import { pageVisitor } from "@/lib/auth/visitor";
import { serverEnv } from "@/lib/env";
import { describeModel } from "@/lib/models/factory";
import { findRunForPage } from "@/lib/runs/run-pages";
import { describeWorkflowById } from "@/lib/workflows/describe";
import { toRunViewWorkflow, type WorkflowDescription } from "@/lib/workflows/description";

export async function generateMetadata({ params }: PageProps<"/workflows/[id]">): Promise<Metadata> {
  const workflow = await describeWorkflowById((await params).id);
  return { title: workflow?.title ?? "Workflow not found" };
}

/**
 * A workflow, ready to run. The workflow is looked up before anything is sent, so an unknown one
 * answers 404 (a `loading.tsx` here would stream a 200 first); the rest streams in behind a
 * Suspense boundary.
 */
export default async function WorkflowPage({ params, searchParams }: PageProps<"/workflows/[id]">) {
  await connection();
  const workflow = await describeWorkflowById((await params).id);
  if (!workflow) notFound();
  // `?run=<id>`: the run this page showed before a reload; the view reattaches to it.
  const runParam = (await searchParams).run;
  return (
    <div className="space-y-6">
      <div>
        <Link href="/" className="text-sm text-muted-foreground hover:text-foreground">
          ← All workflows
        </Link>
        <p className="mt-3 text-xs font-medium uppercase tracking-wide text-primary">{workflow.pattern}</p>
        <h1 className="text-2xl font-semibold tracking-tight">{workflow.title}</h1>
        <p className="mt-1 max-w-3xl text-muted-foreground">{workflow.description}</p>
      </div>
      <Suspense fallback={<RunViewSkeleton />}>
        <WorkflowRunView workflow={workflow} runId={typeof runParam === "string" ? runParam : undefined} />
      </Suspense>
    </div>
  );
}

async function WorkflowRunView({ workflow, runId }: { workflow: WorkflowDescription; runId?: string }) {
  const visitor = runId ? await pageVisitor() : undefined;
  const attached = runId ? await findRunForPage(runId, visitor?.id, workflow.id) : undefined;
  return (
    <RunView
      workflow={toRunViewWorkflow(workflow)}
      model={describeModel(serverEnv())}
      initialRunId={attached?.id}
      initialInput={attached?.input}
      runInUrl
    />
  );
}

function RunViewSkeleton() {
  return (
    <div className="space-y-4" role="status" aria-busy="true" aria-label="Loading">
      <div className="h-24 animate-pulse rounded-lg bg-muted" />
      <div className="h-40 animate-pulse rounded-xl bg-muted" />
    </div>
  );
}
