import type { RunStatus } from "@/lib/runs/contract";

const styles: Record<RunStatus, string> = {
  running: "bg-blue-100 text-blue-800",
  waiting: "bg-violet-100 text-violet-800",
  expired: "bg-slate-200 text-slate-700",
  done: "bg-green-100 text-green-800",
  failed: "bg-red-100 text-red-800",
  stopped: "bg-amber-100 text-amber-800",
  interrupted: "bg-orange-100 text-orange-800",
};

/** A run status as a person reads it. */
export const runStatusWords: Record<RunStatus, string> = {
  running: "Running",
  waiting: "Waiting for you",
  expired: "Expired",
  done: "Done",
  failed: "Failed",
  stopped: "Stopped",
  interrupted: "Interrupted",
};

export function StatusBadge({ status }: { status: RunStatus }) {
  return (
    <span
      className={`inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-xs font-medium ${styles[status]}`}
    >
      {status === "running" && (
        <span className="size-1.5 animate-pulse rounded-full bg-current" aria-hidden />
      )}
      {runStatusWords[status]}
    </span>
  );
}
