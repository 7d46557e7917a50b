import type { Metadata } from "next";
import { connection } from "next/server";
import { HistoryFilters } from "@/components/history/history-filters";
import { LiveHistoryRefresh } from "@/components/history/live-history-refresh";
import { RunHistoryTable } from "@/components/history/run-history-table";
import { pageVisitor } from "@/lib/auth/visitor";
import { readRunListFilters } from "@/lib/runs/run-list-filters";
import { loadRunHistory } from "@/lib/runs/run-pages";
import type { RunListFilters } from "@/lib/runs/store/types";
import { findWorkflow, listWorkflows } from "@/lib/workflows/registry";

export const metadata: Metadata = { title: "Run history" };

export default async function RunsPage({ searchParams }: PageProps<"/runs">) {
  const params = await searchParams;
  const cursor = typeof params.cursor === "string" ? params.cursor : undefined;
  const filters = readRunListFilters(params);
  const workflows = listWorkflows().map(({ id, title }) => ({ id, title }));
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Run history</h1>
        <p className="mt-1 text-muted-foreground">
          Your runs, newest first. Open one to replay it, or to watch it if it is still going.
        </p>
      </div>
      <HistoryFilters filters={filters} workflows={workflows} />
      {/* Not streamed behind a Suspense fallback: one quick store query, and the list is in the
          first HTML, so the history and its GET form work without JavaScript. */}
      <HistoryPage cursor={cursor} filters={filters} />
    </div>
  );
}

async function HistoryPage({ cursor, filters }: { cursor?: string; filters: RunListFilters }) {
  await connection();
  const visitor = await pageVisitor();
  const page = await loadRunHistory(visitor?.id, { cursor, ...filters });
  const titles = Object.fromEntries(
    page.entries.flatMap((entry) =>
      entry.kind === "found"
        ? [[entry.run.workflow, findWorkflow(entry.run.workflow)?.title ?? entry.run.workflow]]
        : [],
    ),
  );
  const live = page.entries.some(
    (entry) => entry.kind === "found" && (entry.run.status === "running" || entry.run.status === "waiting"),
  );
  return (
    <>
      <LiveHistoryRefresh live={live} />
      <RunHistoryTable
        entries={page.entries}
        titles={titles}
        nextCursor={page.nextCursor}
        firstPage={!cursor}
        filters={filters}
      />
    </>
  );
}
