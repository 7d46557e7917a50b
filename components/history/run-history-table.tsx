import Link from "next/link";
import { formatCost, formatDuration, formatTokens } from "@/components/run/format";
import { StatusBadge } from "@/components/run/status-badge";
import type { RunListEntry } from "@/lib/runs/store/types";

/** The history list: one row per run, and a row saying so for a record that cannot be read. */
export function RunHistoryTable({
  entries,
  titles,
  nextCursor,
  firstPage,
}: {
  entries: RunListEntry[];
  titles: Record<string, string>;
  nextCursor?: string;
  firstPage: boolean;
}) {
  if (entries.length === 0) {
    return (
      <p
        className="rounded-lg border border-border bg-card p-6 text-muted-foreground"
        data-testid="history-empty"
      >
        {firstPage ? "No runs yet. " : "No older runs. "}
        <Link href="/" className="text-primary underline">
          Start one
        </Link>
        .
      </p>
    );
  }
  return (
    <div className="space-y-4">
      <table
        className="w-full overflow-hidden rounded-lg border border-border bg-card text-sm"
        data-testid="history"
      >
        <thead className="bg-muted text-left text-xs uppercase tracking-wide text-muted-foreground">
          <tr>
            <th className="px-3 py-2 font-medium">Status</th>
            <th className="px-3 py-2 font-medium">Workflow and task</th>
            <th className="px-3 py-2 font-medium">Started</th>
            <th className="px-3 py-2 text-right font-medium">Duration</th>
            <th className="px-3 py-2 text-right font-medium">Tokens</th>
            <th className="px-3 py-2 text-right font-medium">Cost</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((entry) =>
            entry.kind === "corrupt" ? (
              <tr
                key={entry.id}
                className="border-t border-border"
                data-testid="history-row"
                data-status="corrupt"
              >
                <td className="px-3 py-2">
                  <span className="rounded-full bg-muted px-2 py-0.5 text-xs font-medium">Unreadable</span>
                </td>
                <td className="px-3 py-2 text-muted-foreground" colSpan={5}>
                  Run {entry.id}: its stored record is damaged ({entry.reason}).
                </td>
              </tr>
            ) : (
              <tr
                key={entry.run.id}
                className="border-t border-border"
                data-testid="history-row"
                data-status={entry.run.status}
              >
                <td className="px-3 py-2">
                  <StatusBadge status={entry.run.status} />
                </td>
                <td className="px-3 py-2">
                  <Link href={`/runs/${entry.run.id}`} className="font-medium text-primary hover:underline">
                    {titles[entry.run.workflow] ?? entry.run.workflow}
                  </Link>
                  <p className="line-clamp-1 text-muted-foreground">{entry.run.input}</p>
                </td>
                <td className="px-3 py-2 whitespace-nowrap text-muted-foreground">
                  <time dateTime={new Date(entry.run.createdAt).toISOString()}>
                    {new Date(entry.run.createdAt).toISOString().replace("T", " ").slice(0, 16)} UTC
                  </time>
                </td>
                <td className="px-3 py-2 text-right text-muted-foreground">
                  {entry.run.endedAt ? formatDuration(entry.run.endedAt - entry.run.createdAt) : "—"}
                </td>
                <td className="px-3 py-2 text-right text-muted-foreground">
                  {entry.run.usage ? formatTokens(entry.run.usage) : "—"}
                </td>
                <td className="px-3 py-2 text-right text-muted-foreground">
                  {formatCost(entry.run.costUsd) ?? "—"}
                </td>
              </tr>
            ),
          )}
        </tbody>
      </table>
      <nav className="flex gap-4 text-sm">
        {!firstPage && (
          <Link href="/runs" className="text-primary hover:underline">
            ← Newest runs
          </Link>
        )}
        {nextCursor && (
          <Link
            href={`/runs?cursor=${encodeURIComponent(nextCursor)}`}
            className="text-primary hover:underline"
            data-testid="history-older"
          >
            Older runs →
          </Link>
        )}
      </nav>
    </div>
  );
}
