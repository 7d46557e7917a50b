"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";

/** Often enough that a run reads as ended within a moment of ending. */
const REFRESH_MS = 2_000;

/**
 * Keeps the history current while any listed run is still going (`live`): the server renders the
 * list again every 2 s (router.refresh(): one store query for the page, the rows' client state
 * kept), not while the tab is hidden, and at once when it comes back. Once nothing listed is live,
 * the server renders `live={false}` and the polling stops.
 */
export function LiveHistoryRefresh({ live }: { live: boolean }) {
  const router = useRouter();
  useEffect(() => {
    if (!live) return;
    const refresh = () => {
      if (!document.hidden) router.refresh();
    };
    const timer = setInterval(refresh, REFRESH_MS);
    document.addEventListener("visibilitychange", refresh);
    return () => {
      clearInterval(timer);
      document.removeEventListener("visibilitychange", refresh);
    };
  }, [live, router]);
  return null;
}
