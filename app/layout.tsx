import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { AccountMenu } from "@/components/account-menu";
import { EARLY_TASK_INPUT_SCRIPT } from "@/components/run/early-task-input";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "stepstream", template: "%s · stepstream" },
  description: "Watch every step of a LangGraph workflow agent stream in live.",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen antialiased">
        {/* Before any of the app's JavaScript: keeps what is typed into the task box until it hydrates. */}
        {/* biome-ignore lint/security/noDangerouslySetInnerHtml: a constant script of ours, no input in it */}
        <script dangerouslySetInnerHTML={{ __html: EARLY_TASK_INPUT_SCRIPT }} />
        <header className="border-b border-border bg-card">
          <nav className="mx-auto flex max-w-6xl items-center gap-6 px-6 py-3">
            <Link href="/" className="font-semibold tracking-tight">
              stepstream
            </Link>
            <span className="text-sm text-muted-foreground">LangGraph workflows, step by step, live</span>
            <Link href="/runs" className="ml-auto text-sm text-muted-foreground hover:text-foreground">
              History
            </Link>
            <AccountMenu />
          </nav>
        </header>
        <main className="mx-auto max-w-6xl px-6 py-8">{children}</main>
      </body>
    </html>
  );
}
