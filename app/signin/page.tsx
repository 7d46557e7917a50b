import type { Metadata } from "next";
import { signInConfigured } from "@/lib/auth/oidc";
import { serverEnv } from "@/lib/env";

export const metadata: Metadata = { title: "Sign in" };

const REASONS: Record<string, string> = {
  denied: "The sign-in was cancelled at the provider.",
  expired: "The sign-in took too long, or was started in another browser. Please start again.",
  invalid: "The provider's answer could not be verified, so you were not signed in.",
  provider: "The sign-in provider reported a problem.",
};

/** Where sign-in starts (and where a failed one lands, saying why). */
export default async function SignInPage({ searchParams }: PageProps<"/signin">) {
  const { error, returnTo } = await searchParams;
  const env = serverEnv();
  const target = `/api/auth/signin?returnTo=${encodeURIComponent(typeof returnTo === "string" ? returnTo : "/")}`;
  return (
    <div className="mx-auto max-w-md space-y-4">
      <h1 className="text-2xl font-semibold tracking-tight">Sign in</h1>
      {typeof error === "string" && (
        <p role="alert" className="rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-800">
          {REASONS[error] ?? REASONS.provider}
        </p>
      )}
      {signInConfigured(env) ? (
        <>
          <p className="text-sm text-muted-foreground">
            {env.AUTH_REQUIRED
              ? "This app is for signed-in users."
              : "Runs you made as a guest in this browser stay yours after you sign in."}
          </p>
          <a
            href={target}
            className="inline-block rounded-md bg-primary px-4 py-2 text-sm font-medium text-primary-foreground"
          >
            Continue to sign in
          </a>
        </>
      ) : (
        <p className="text-sm text-muted-foreground">Sign-in is not configured on this server.</p>
      )}
    </div>
  );
}
