/**
 * `npm run smoke:deployed -- https://d123.cloudfront.net [--function-url https://….lambda-url….on.aws/]`
 *
 * Run after `sst deploy`: checks the live stack end to end through CloudFront. Health; a whole
 * run, timing its first event and every gap between events (a proxy that buffers shows up as a
 * late first event or a burst at the end); POSTs with a body (signed through the edge hasher) and
 * the origin check (which needs X-Original-Host); the edge cache on a build asset; and that the
 * Function URL refuses direct calls with 403. The Function URL defaults to `functionUrl` in SST's
 * .sst/outputs.json.
 */
import { existsSync, readFileSync } from "node:fs";
import { parseArgs } from "node:util";

export interface SmokeCheck {
  name: string;
  ok: boolean;
  detail: string;
}

interface TimedEvent {
  at: number;
  data: string;
}

/** Reads an SSE body raw, timing every event and comment (heartbeats are comments). */
async function readEvents(response: Response, sentAt: number): Promise<TimedEvent[]> {
  const events: TimedEvent[] = [];
  if (!response.body) return events;
  const decoder = new TextDecoder();
  let buffer = "";
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let end = buffer.indexOf("\n\n");
    while (end >= 0) {
      events.push({ at: performance.now() - sentAt, data: buffer.slice(0, end) });
      buffer = buffer.slice(end + 2);
      end = buffer.indexOf("\n\n");
    }
  }
  return events;
}

export async function checkDeployedStack(
  baseUrl: string,
  functionUrl: string | undefined,
): Promise<SmokeCheck[]> {
  const base = baseUrl.replace(/\/$/, "");
  const checks: SmokeCheck[] = [];
  const check = (name: string, ok: boolean, detail = "") => checks.push({ name, ok, detail });

  const health = await fetch(`${base}/api/health`);
  const healthBody = (await health.json().catch(() => ({}))) as { status?: string };
  check("health answers 200", health.status === 200 && healthBody.status === "ok", `${health.status}`);

  const sentAt = performance.now();
  const run = await fetch(`${base}/api/runs`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: base },
    body: JSON.stringify({ workflow: "trip-planner", input: "A smoke test: one day in Porto" }),
  });
  const headersAt = performance.now() - sentAt;
  check(
    "a run starts (POST with a body, same origin)",
    run.status === 200,
    `${run.status} after ${headersAt.toFixed(0)} ms`,
  );
  const events = run.status === 200 ? await readEvents(run, sentAt) : [];
  const data = events.filter((event) => event.data.includes("data: "));
  const total = events.at(-1)?.at ?? 0;
  const first = data.find((event) => event.data.includes('"data-step"'));
  const gaps = events.slice(1).map((event, index) => event.at - (events[index]?.at ?? 0));
  const lastTenth = data.filter((event) => event.at > total * 0.9).length;
  check(
    "the run streams: first step early, events spread over the run",
    first !== undefined && first.at < Math.max(3000, total * 0.5) && lastTenth < data.length * 0.5,
    `first step at ${first?.at.toFixed(0)} ms of ${total.toFixed(0)} ms; ${lastTenth}/${data.length} events in the last tenth; longest gap ${Math.max(0, ...gaps).toFixed(0)} ms`,
  );
  const terminals = data.filter((event) => /"type":"(finish|abort|error)"/.test(event.data));
  check(
    "the run ends with exactly one terminal event",
    terminals.length === 1 && events.at(-1)?.data.includes("[DONE]") === true,
    terminals.map((event) => /"type":"(\w+)"/.exec(event.data)?.[1]).join(","),
  );

  // The run is its starter's: their session (the cookie the run's response set, HttpOnly and
  // Secure over https) reads it; anyone else gets the same 404 as for an unknown run.
  const session = run.headers.getSetCookie().find((line) => line.startsWith("stepstream_session="));
  const runId = run.headers.get("x-run-id") ?? "";
  check(
    "a visitor gets a session cookie: HttpOnly, SameSite=Lax, Secure over https",
    session !== undefined &&
      /;\s*HttpOnly/i.test(session) &&
      /;\s*SameSite=Lax/i.test(session) &&
      (!base.startsWith("https:") || /;\s*Secure/i.test(session)),
    session?.replace(/=[^;]+/, "=…") ?? "no session cookie",
  );
  const mine = await fetch(`${base}/api/runs/${runId}`, {
    headers: { cookie: session?.split(";")[0] ?? "" },
  });
  const theirs = await fetch(`${base}/api/runs/${runId}`);
  await Promise.all([mine.body?.cancel(), theirs.body?.cancel()]);
  check(
    "a run is its owner's: 200 for them, 404 for another visitor",
    mine.status === 200 && theirs.status === 404,
    `${mine.status} / ${theirs.status}`,
  );
  const missing = [
    "strict-transport-security",
    "content-security-policy",
    "x-content-type-options",
    "referrer-policy",
  ].filter((name) => !health.headers.get(name));
  check("security headers on every response", missing.length === 0, missing.join(", ") || "all present");

  const badJson = await fetch(`${base}/api/runs`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: '{"workflow": "trip-planner", "input": ',
  });
  const badBody = (await badJson.json().catch(() => ({}))) as { error?: { code?: string } };
  check(
    "a malformed body reaches the app and gets a JSON 400",
    badJson.status === 400 && Boolean(badBody.error?.code),
    `${badJson.status} ${badBody.error?.code}`,
  );

  const foreign = await fetch(`${base}/api/runs`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: "https://attacker.example" },
    body: JSON.stringify({ workflow: "trip-planner", input: "x" }),
  });
  await foreign.body?.cancel();
  check("another site's origin is refused with 403", foreign.status === 403, `${foreign.status}`);

  const home = await (await fetch(`${base}/`)).text();
  const asset = /\/_next\/static\/[^"'\s)]+\.js/.exec(home)?.[0];
  if (asset) {
    await (await fetch(`${base}${asset}`)).arrayBuffer();
    const again = await fetch(`${base}${asset}`);
    await again.arrayBuffer();
    const cache = again.headers.get("x-cache") ?? "";
    check("build assets are cached at the edge", /hit/i.test(cache), cache || "no x-cache header");
  } else {
    check("build assets are cached at the edge", false, "the home page references no /_next/static asset");
  }

  if (functionUrl) {
    const direct = await fetch(`${functionUrl.replace(/\/$/, "")}/api/health`);
    await direct.body?.cancel();
    check("the Function URL refuses direct calls with 403", direct.status === 403, `${direct.status}`);
  } else {
    check(
      "the Function URL refuses direct calls with 403",
      false,
      "no --function-url and no .sst/outputs.json",
    );
  }
  return checks;
}

function functionUrlFromOutputs(): string | undefined {
  if (!existsSync(".sst/outputs.json")) return undefined;
  const outputs = JSON.parse(readFileSync(".sst/outputs.json", "utf8")) as { functionUrl?: string };
  return outputs.functionUrl;
}

if (import.meta.main) {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { "function-url": { type: "string" } },
  });
  const [baseUrl] = positionals;
  if (!baseUrl) {
    console.error(
      "Usage: npm run smoke:deployed -- https://<distribution>.cloudfront.net [--function-url <url>]",
    );
    process.exit(2);
  }
  const checks = await checkDeployedStack(baseUrl, values["function-url"] ?? functionUrlFromOutputs());
  for (const { name, ok, detail } of checks)
    console.log(`${ok ? "  ok  " : "  FAIL"} ${name}${detail ? `: ${detail}` : ""}`);
  const failed = checks.filter((c) => !c.ok).length;
  console.log(failed ? `\n${failed} check(s) failed` : "\nThe deployed stack passed");
  process.exit(failed ? 1 : 0);
}
