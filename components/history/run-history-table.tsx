import Link from "next/link";
import { runListQuery } from "@/lib/runs/run-list-filters";
import type { RunListEntry, RunListFilters } from "@/lib/runs/store/types";
import { RunHistoryRow } from "./run-history-row";

const headClass = "px-3 py-2 font-medium";

/**
 * The history list: one row per run (a card on a phone), and a row saying so for a record that
 * cannot be read. Its page links keep the filters it was listed with.
 */
export function RunHistoryTable({
  entries,
  titles,
  nextCursor,
  firstPage,
  filters,
}: {
  entries: RunListEntry[];
  titles: Record<string, string>;
  nextCursor?: string;
  firstPage: boolean;
  filters: RunListFilters;
}) {
  const filtered = runListQuery(filters) !== "";
  const pages = (
    <nav className="flex gap-4 text-sm">
      {!firstPage && (
        <Link href={`/runs${runListQuery(filters)}`} className="text-primary hover:underline">
          ← Newest runs
        </Link>
      )}
      {nextCursor && (
        <Link
          href={`/runs${runListQuery(filters, nextCursor)}`}
          className="text-primary hover:underline"
          data-testid="history-older"
        >
          Older runs →
        </Link>
      )}
    </nav>
  );
  if (entries.length === 0) {
    return (
      <div className="space-y-4">
        <p
          className="rounded-lg border border-border bg-card p-6 text-muted-foreground"
          data-testid="history-empty"
        >
          {filtered ? (
            <>
              No runs match {firstPage ? "these filters" : "these filters on this page"}.{" "}
              <Link href="/runs" className="text-primary underline">
                Show all runs
              </Link>
            </>
          ) : (
            <>
              {firstPage ? "No runs yet. " : "No older runs. "}
              <Link href="/" className="text-primary underline">
                Start one
              </Link>
            </>
          )}
          .
        </p>
        {filtered && pages}
      </div>
    );
  }
  return (
    <div className="space-y-4">
      <table
        className="w-full text-sm max-sm:block sm:overflow-hidden sm:rounded-lg sm:border sm:border-border sm:bg-card"
        data-testid="history"
      >
        <thead className="bg-muted text-left text-xs uppercase tracking-wide text-muted-foreground max-sm:hidden">
          <tr>
            <th className={headClass}>Status</th>
            <th className={headClass}>Workflow and task</th>
            <th className={headClass}>Started</th>
            <th className={`${headClass} text-right`}>Duration</th>
            <th className={`${headClass} text-right`}>Tokens</th>
            <th className={`${headClass} text-right`}>Cost</th>
            <th className={headClass}>
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody className="max-sm:block max-sm:space-y-3">
          {entries.map((entry) => (
            <RunHistoryRow
              key={entry.kind === "found" ? entry.run.id : entry.id}
              entry={entry}
              title={entry.kind === "found" ? (titles[entry.run.workflow] ?? entry.run.workflow) : ""}
            />
          ))}
        </tbody>
      </table>
      {pages}
    </div>
  );
}
