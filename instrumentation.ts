/** Next calls this once when the server starts, before it serves a request. */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const [{ ensureCacheDirTarget }, { installShutdownHandler }, { installPeerAddressHeader }] =
    await Promise.all([
      import("./lib/server/cache-dir"),
      import("./lib/server/shutdown"),
      import("./lib/server/peer-address"),
    ]);
  ensureCacheDirTarget();
  installShutdownHandler();
  installPeerAddressHeader();
}
