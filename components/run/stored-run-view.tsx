import "server-only";
import type { ComponentProps } from "react";
import { serverEnv } from "@/lib/env";
import { readRunSnapshot } from "@/lib/runs/run-snapshot";
import { getRunStore } from "@/lib/runs/store";
import { RunView } from "./run-view";

/**
 * A run's page as the server renders it from the store: its steps, timeline and result are in the
 * first HTML (readable without JavaScript), and the browser carries on from there, attaching to
 * the stream only while the run is still going. The caller has checked who may read the run.
 * Render it inside `<Suspense fallback={<RunViewSkeleton />}>`: the page's header goes out first.
 */
export async function StoredRunView({
  runId,
  ...view
}: Omit<ComponentProps<typeof RunView>, "initialMessage" | "initialRunId"> & { runId: string }) {
  const snapshot = await readRunSnapshot(await getRunStore(serverEnv()), runId);
  return <RunView {...view} initialRunId={runId} initialMessage={snapshot} />;
}

/**
 * React streams a Suspense boundary's content in after the shell as a `<div hidden id="S:…">`,
 * which its inline script moves into place. Without JavaScript nothing moves it: this shows the
 * streamed content where it landed and hides the placeholder, so the page still reads. Tailwind's
 * base layer hides `[hidden]` with `!important`, which only an important rule of an earlier layer
 * (its `theme`) outranks.
 */
const WITHOUT_SCRIPT = `[data-testid="run-skeleton"]{display:none}@layer theme{div[hidden][id^="S:"]{display:block!important}}`;

/** What shows while the stored run is read: the run view's outline, no words to flash. */
export function RunViewSkeleton() {
  return (
    <div className="space-y-6" role="status" aria-busy="true" data-testid="run-skeleton">
      <noscript>
        {/* biome-ignore lint/security/noDangerouslySetInnerHtml: a constant of ours, no input in it */}
        <style dangerouslySetInnerHTML={{ __html: WITHOUT_SCRIPT }} />
      </noscript>
      <span className="sr-only">Loading the run…</span>
      <div className="h-28 animate-pulse rounded-lg bg-muted" />
      <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_minmax(0,2fr)]">
        <div className="h-64 animate-pulse rounded-lg bg-muted" />
        <div className="space-y-3">
          <div className="h-24 animate-pulse rounded-lg bg-muted" />
          <div className="h-14 animate-pulse rounded-lg bg-muted" />
          <div className="h-14 animate-pulse rounded-lg bg-muted" />
        </div>
      </div>
    </div>
  );
}
