/**
 * Next calls this once when the server starts. The graph runtime and the model SDKs are loaded
 * just after start-up, in the background: the health check (Lambda Web Adapter's readiness probe)
 * never waits for them, and the first run rarely does.
 */
export function register(): void {
  if (process.env.NEXT_RUNTIME !== "nodejs" || process.env.STEPSTREAM_PRELOAD === "0") return;
  setTimeout(() => {
    import("./lib/runs/preload").catch((error: unknown) =>
      console.error("preloading the run modules failed", error),
    );
  }, 0);
}
