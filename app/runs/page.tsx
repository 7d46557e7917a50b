import type { Metadata } from "next";
import { connection } from "next/server";
import { Suspense } from "react";
import { RunHistoryTable } from "@/components/history/run-history-table";
import { pageVisitor } from "@/lib/auth/visitor";
import { loadRunHistory } from "@/lib/runs/run-pages";
import { findWorkflow } from "@/lib/workflows/registry";

export const metadata: Metadata = { title: "Run history" };

export default async function RunsPage({ searchParams }: PageProps<"/runs">) {
  const cursor = (await searchParams).cursor;
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Run history</h1>
        <p className="mt-1 text-muted-foreground">
          Your runs, newest first. Open one to replay it, or to watch it if it is still going.
        </p>
      </div>
      <Suspense key={typeof cursor === "string" ? cursor : ""} fallback={<HistorySkeleton />}>
        <HistoryPage cursor={typeof cursor === "string" ? cursor : undefined} />
      </Suspense>
    </div>
  );
}

async function HistoryPage({ cursor }: { cursor?: string }) {
  await connection();
  const visitor = await pageVisitor();
  const page = await loadRunHistory(visitor?.id, { cursor });
  const titles = Object.fromEntries(
    page.entries.flatMap((entry) =>
      entry.kind === "found"
        ? [[entry.run.workflow, findWorkflow(entry.run.workflow)?.title ?? entry.run.workflow]]
        : [],
    ),
  );
  return (
    <RunHistoryTable
      entries={page.entries}
      titles={titles}
      nextCursor={page.nextCursor}
      firstPage={!cursor}
    />
  );
}

function HistorySkeleton() {
  return (
    <div className="space-y-2" role="status" aria-busy="true" aria-label="Loading runs">
      {Array.from({ length: 5 }, (_, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: placeholders have no identity
        <div key={index} className="h-12 animate-pulse rounded-md bg-muted" />
      ))}
    </div>
  );
}
