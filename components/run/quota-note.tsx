"use client";

import { useEffect, useState } from "react";

interface Allowance {
  used: number;
  limit: number | null;
  left: number | null;
}

interface QuotaView {
  runs: Allowance;
  tokens: Allowance;
  running: Allowance;
  paused: boolean;
  resetsAt: number;
}

/** A moment as this browser's clock shows it, e.g. "01:00". */
export function localTime(epochMs: number): string {
  return new Date(epochMs).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

/**
 * What the visitor has left today (GET /api/quota): runs and tokens, and when they reset, in the
 * visitor's own time. Read again whenever `version` changes (a run ended, or was refused).
 */
export function QuotaNote({ version }: { version: number }) {
  const [quota, setQuota] = useState<QuotaView>();
  useEffect(() => {
    void version;
    let current = true;
    fetch("/api/quota", { cache: "no-store" })
      .then((response) => (response.ok ? (response.json() as Promise<QuotaView>) : undefined))
      .then((view) => current && setQuota(view))
      .catch(() => undefined);
    return () => {
      current = false;
    };
  }, [version]);
  if (!quota) return null;
  const parts: string[] = [];
  if (quota.runs.left !== null) parts.push(`${quota.runs.left} of ${quota.runs.limit} runs`);
  if (quota.tokens.left !== null) {
    parts.push(`${quota.tokens.left.toLocaleString()} of ${quota.tokens.limit?.toLocaleString()} tokens`);
  }
  if (quota.paused) {
    return (
      <p className="text-xs text-red-700" data-testid="quota">
        New runs are paused until {localTime(quota.resetsAt)}: today's budget for everyone is spent.
      </p>
    );
  }
  if (parts.length === 0) return null;
  return (
    <p className="text-xs text-muted-foreground" data-testid="quota">
      Left today: {parts.join(" · ")} (resets at {localTime(quota.resetsAt)})
    </p>
  );
}
