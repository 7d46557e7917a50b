import { connection } from "next/server";
import { Suspense } from "react";
import { ModelBanner } from "@/components/model-banner";
import { WorkflowCard } from "@/components/workflows/workflow-card";
import { serverEnv } from "@/lib/env";
import { describeModel } from "@/lib/models/factory";
import { describeAllWorkflows } from "@/lib/workflows/describe";

export default function HomePage() {
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Pick a workflow agent</h1>
        <p className="mt-1 text-muted-foreground">
          Give it a task and watch every LangGraph node start, stream its tokens and finish, live.
        </p>
      </div>
      <Suspense fallback={null}>
        <CurrentModel />
      </Suspense>
      <Suspense fallback={<CardsSkeleton />}>
        <WorkflowCards />
      </Suspense>
    </div>
  );
}

async function CurrentModel() {
  await connection(); // The model is configured at run time, not at build time.
  return <ModelBanner model={describeModel(serverEnv())} />;
}

async function WorkflowCards() {
  const workflows = await describeAllWorkflows();
  return (
    <div className="grid gap-5 md:grid-cols-2">
      {workflows.map((workflow) => (
        <WorkflowCard key={workflow.id} workflow={workflow} />
      ))}
    </div>
  );
}

function CardsSkeleton() {
  return (
    <div className="grid gap-5 md:grid-cols-2" aria-busy="true">
      {[0, 1, 2, 3].map((index) => (
        <div key={index} className="h-72 animate-pulse rounded-xl bg-muted" />
      ))}
    </div>
  );
}
