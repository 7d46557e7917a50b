import Link from "next/link";
import type { ReactNode } from "react";
import { formatCost, formatDuration, formatTokens } from "@/components/run/format";
import { StatusBadge } from "@/components/run/status-badge";
import { LocalTime } from "@/components/ui/local-time";
import type { RunListEntry } from "@/lib/runs/store/types";
import { DeleteRunButton } from "./delete-run-button";

/**
 * One run in the history. A table row from 640 px up; below, the same cells laid out as a card
 * (the row a grid, each figure with its own label), so nothing needs a horizontal scroll.
 */
const rowClass =
  "border-t border-border max-sm:grid max-sm:grid-cols-3 max-sm:gap-x-3 max-sm:gap-y-2 max-sm:rounded-lg max-sm:border max-sm:bg-card max-sm:p-3";
const cellClass = "px-3 py-2 align-top max-sm:min-w-0 max-sm:p-0";
const figureClass = `${cellClass} text-right whitespace-nowrap text-muted-foreground max-sm:text-left max-sm:whitespace-normal`;

/** A figure's name, shown on the card only (the table has its header). */
function CardLabel({ children }: { children: ReactNode }) {
  return (
    <span className="block text-xs uppercase tracking-wide text-muted-foreground sm:hidden">{children}</span>
  );
}

export function RunHistoryRow({ entry, title }: { entry: RunListEntry; title: string }) {
  if (entry.kind === "corrupt") {
    return (
      <tr className={rowClass} data-testid="history-row" data-status="corrupt">
        <td className={cellClass}>
          <span className="rounded-full bg-muted px-2 py-0.5 text-xs font-medium">Unreadable</span>
        </td>
        <td
          className={`${cellClass} text-muted-foreground [overflow-wrap:anywhere] max-sm:col-span-3`}
          colSpan={6}
        >
          Run {entry.id}: its stored record is damaged ({entry.reason}).
        </td>
      </tr>
    );
  }
  const { run } = entry;
  return (
    <tr className={rowClass} data-testid="history-row" data-status={run.status} data-run-id={run.id}>
      <td className={cellClass}>
        <StatusBadge status={run.status} />
      </td>
      <td className={`${cellClass} max-sm:order-first max-sm:col-span-3`}>
        <Link href={`/runs/${run.id}`} className="font-medium text-primary hover:underline">
          {title}
        </Link>
        <p className="line-clamp-1 text-muted-foreground [overflow-wrap:anywhere]">{run.input}</p>
      </td>
      <td
        className={`${cellClass} whitespace-nowrap text-muted-foreground max-sm:col-span-2 max-sm:text-right`}
      >
        <LocalTime at={run.createdAt} />
      </td>
      <td className={`${figureClass} max-sm:order-2`} data-testid="history-duration">
        <CardLabel>Duration</CardLabel>
        {run.endedAt ? formatDuration(run.endedAt - run.createdAt) : "—"}
      </td>
      <td className={`${figureClass} max-sm:order-2`} data-testid="history-tokens">
        <CardLabel>Tokens</CardLabel>
        {run.usage ? formatTokens(run.usage) : "—"}
      </td>
      <td className={`${figureClass} max-sm:order-2`} data-testid="history-cost">
        <CardLabel>Cost</CardLabel>
        {formatCost(run.costUsd) ?? "—"}
      </td>
      <td className={`${cellClass} text-right max-sm:order-3 max-sm:col-span-3 max-sm:text-left`}>
        <DeleteRunButton runId={run.id} status={run.status} inList />
      </td>
    </tr>
  );
}
