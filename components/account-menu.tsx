"use client";

import { usePathname } from "next/navigation";
import { useEffect, useState } from "react";

interface SessionView {
  visitor: { kind: "guest" | "user"; name?: string; email?: string } | null;
  signIn: boolean;
}

/**
 * Who the browser is: nothing to show for a guest on a server without sign-in; otherwise a Sign in
 * link (runs made as a guest are kept), or the user's name and Sign out.
 */
export function AccountMenu() {
  const [session, setSession] = useState<SessionView>();
  const pathname = usePathname();
  useEffect(() => {
    fetch("/api/auth/session", { cache: "no-store" })
      .then((response) => (response.ok ? (response.json() as Promise<SessionView>) : undefined))
      .then(setSession)
      .catch(() => undefined);
  }, []);
  if (!session?.signIn) return null;
  if (session.visitor?.kind === "user") {
    return (
      <form method="post" action="/api/auth/signout" className="flex items-center gap-2 text-sm">
        <span className="text-muted-foreground" data-testid="signed-in-as">
          {session.visitor.name ?? session.visitor.email ?? "Signed in"}
        </span>
        <button type="submit" className="text-muted-foreground underline hover:text-foreground">
          Sign out
        </button>
      </form>
    );
  }
  return (
    <a
      href={`/api/auth/signin?returnTo=${encodeURIComponent(pathname)}`}
      className="text-sm text-muted-foreground hover:text-foreground"
    >
      Sign in
    </a>
  );
}
