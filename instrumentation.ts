/** Next calls this once when the server starts, before it serves a request. */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { ensureCacheDirTarget } = await import("./lib/server/cache-dir");
  ensureCacheDirTarget();
}
