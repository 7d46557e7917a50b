import { SESSION_COOKIE } from "@/lib/auth/session";

/**
 * One visitor's HTTP client: it keeps the session cookie the server sets, as a browser's cookie
 * jar does, and sends it back with every request. Two of these are two people.
 */
export class TestVisitor {
  #session: string | undefined;

  constructor(readonly baseUrl: string) {}

  /** The session cookie as a Cookie header value, once the server has set one. */
  get cookie(): string | undefined {
    return this.#session ? `${SESSION_COOKIE}=${this.#session}` : undefined;
  }

  /** A visitor who has already been given a session (by any page or API request). */
  static async arrive(baseUrl: string): Promise<TestVisitor> {
    const visitor = new TestVisitor(baseUrl);
    await (await visitor.fetch("/api/health")).arrayBuffer();
    if (!visitor.cookie) throw new Error("The server set no session cookie");
    return visitor;
  }

  /** A request as this visitor: `path` on its server, or a whole URL (another server of the app). */
  async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookie) headers.set("cookie", this.cookie);
    const url = /^https?:/.test(path) ? path : `${this.baseUrl}${path}`;
    const response = await fetch(url, { ...init, headers, redirect: "manual" });
    this.keep(response.headers.getSetCookie());
    return response;
  }

  /** Takes the session from Set-Cookie headers (from any client that talked for this visitor). */
  keep(setCookies: readonly string[]): void {
    for (const line of setCookies) {
      const [pair] = line.split(";");
      const [name, ...value] = (pair ?? "").trim().split("=");
      if (name === SESSION_COOKIE) this.#session = value.join("=");
    }
  }

  /** Starts a run: POST /api/runs with a JSON body. */
  startRun(workflow: string, input: string, headers: Record<string, string> = {}): Promise<Response> {
    return this.fetch("/api/runs", {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify({ workflow, input }),
    });
  }
}
