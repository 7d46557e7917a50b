/**
 * `npm run smoke:lambda`: proves the image's runner stage is Lambda-ready without a Docker engine.
 * It replays the Dockerfile's runner stage into a read-only task root, gives the server one fresh
 * writable directory as its /tmp, starts the image's CMD with the image's environment on the
 * image's port, and checks readiness, pages, static assets, a whole streamed run and the error
 * path, then that nothing was written outside the /tmp stand-in. Needs `npm run build` first.
 */
import { existsSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { streamRun, terminalParts } from "./lambda/run-client.ts";
import {
  findWritesOutsideTmp,
  prepareSandbox,
  type Sandbox,
  snapshotTree,
  startSandboxServer,
} from "./lambda/sandbox.ts";

const projectRoot = fileURLToPath(new URL("..", import.meta.url));
const failures: string[] = [];

/** Heavy packages that must stay off the readiness path: they load on the first run. */
const HEAVY = ["@langchain/langgraph", "@langchain/aws", "@aws-sdk/client-bedrock-runtime"];

/** A module hook (Node's registerHooks sees both require and import) that logs when a heavy package loads. */
function writeModuleProbe(path: string): void {
  writeFileSync(
    path,
    `import { registerHooks } from "node:module";
const heavy = ${JSON.stringify(HEAVY)};
const seen = new Set();
registerHooks({
  load(url, context, next) {
    const name = heavy.find((pkg) => url.includes("/node_modules/" + pkg + "/"));
    if (name && !seen.has(name)) {
      seen.add(name);
      process.stderr.write("[module-probe] loaded " + name + "\\n");
    }
    return next(url, context);
  },
});
`,
  );
}

const heavyLoaded = (output: string) =>
  [...output.matchAll(/\[module-probe\] loaded (\S+)/g)].map((m) => m[1]);

function check(ok: boolean, what: string, detail = ""): void {
  console.log(`${ok ? "  ok  " : "  FAIL"} ${what}${detail ? `: ${detail}` : ""}`);
  if (!ok) failures.push(what);
}

async function get(url: string): Promise<{ status: number; type: string; cache: string; text: string }> {
  const response = await fetch(url, { redirect: "manual" });
  return {
    status: response.status,
    type: response.headers.get("content-type") ?? "",
    cache: response.headers.get("cache-control") ?? "",
    text: await response.text(),
  };
}

async function checkPages(url: string): Promise<void> {
  const home = await get(`${url}/`);
  check(
    home.status === 200 && home.text.includes("Pick a workflow agent"),
    "home page renders",
    `${home.status}`,
  );
  const assets = [...home.text.matchAll(/\/_next\/static\/[^"'\s)]+\.(?:js|css)/g)].map((match) => match[0]);
  check(assets.length > 0, "home page references static assets", `${assets.length}`);
  for (const asset of [...new Set(assets)].slice(0, 4)) {
    const response = await get(`${url}${asset}`);
    check(
      response.status === 200 && response.cache.includes("immutable"),
      `static asset ${asset.split("/").pop()}`,
      `${response.status} ${response.cache}`,
    );
  }
  const workflow = await get(`${url}/workflows/report-writer`);
  check(workflow.status === 200 && workflow.text.includes("<svg"), "workflow page renders with its graph");
  const missing = await get(`${url}/no-such-page`);
  check(missing.status === 404 && missing.type.includes("text/html"), "unknown page gets the 404 page");
  const list = await get(`${url}/api/workflows`);
  check(list.status === 200 && list.type.includes("application/json"), "GET /api/workflows");
}

async function checkRun(url: string): Promise<void> {
  const run = await streamRun(url, {
    // A chain of five steps: long enough that a server holding the stream back would show.
    workflow: "article-writer",
    input: "Should we move our CI to ARM runners?",
  });
  check(
    run.status === 200 && run.contentType.includes("text/event-stream"),
    "run answers with an event stream",
  );
  const first = run.parts.find(({ part }) => part.type === "data-step");
  const last = run.parts.at(-1);
  const deltas = run.parts.filter(({ part }) => part.type === "text-delta").length;
  check(
    first !== undefined && last !== undefined && first.at < last.at * 0.2,
    "run streams incrementally",
    `first step at ${first?.at.toFixed(0)} ms, last event at ${last?.at.toFixed(0)} ms, ${deltas} text deltas`,
  );
  // Spread, not just early: every fifth of the response's time, from the request to its last
  // event, must bring text. (Fifths of the span from the first event to the last could not fail:
  // a stream held back and sent in one burst at the end spreads over its own few milliseconds.)
  const deltaTimes = run.parts.filter(({ part }) => part.type === "text-delta").map(({ at }) => at);
  const span = last?.at ?? 0;
  const fifths = new Set(deltaTimes.map((at) => Math.min(4, Math.floor((at / Math.max(span, 1)) * 5))));
  check(
    fifths.size === 5,
    "run's text arrives spread over the whole run",
    `text in ${fifths.size} of 5 fifths`,
  );
  const terminals = terminalParts(run);
  check(
    terminals.length === 1 && terminals[0]?.part.type === "finish" && terminals[0] === last,
    "run ends with exactly one terminal event, finish",
    terminals.map(({ part }) => (part.type === "error" ? `error (${part.errorText})` : part.type)).join(","),
  );
  const bad = await fetch(`${url}/api/runs`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ workflow: "no-such-workflow", input: "x" }),
  });
  const error = (await bad.json()) as { error?: { code?: string } };
  check(
    bad.status === 404 && typeof error.error?.code === "string",
    "bad run request gets a JSON error",
    `${bad.status}`,
  );
}

/** A run that asks a person pauses (its response ends), then goes on when answered. */
async function checkPauseAndResume(url: string): Promise<void> {
  const paused = await streamRun(url, {
    workflow: "report-writer",
    input: "Should we move our CI to ARM runners?",
  });
  const runPart = paused.parts.findLast(({ part }) => part.type === "data-run")?.part as
    | { data?: { status?: string; runId?: string } }
    | undefined;
  const asked = paused.parts.some(({ part }) => part.type === "data-interrupt");
  check(
    asked && runPart?.data?.status === "waiting" && paused.parts.at(-1)?.part.type === "finish",
    "a run that asks a person pauses, its stream ended with finish",
    runPart?.data?.status,
  );
  const resumed = await streamRun(
    url,
    { value: { action: "approve" } },
    { path: `/api/runs/${runPart?.data?.runId}/resume`, session: paused.session },
  );
  const result = resumed.parts.some(({ part }) => part.type === "data-result");
  check(
    resumed.status === 200 && result && terminalParts(resumed).length === 1,
    "and, approved, goes on to its result",
    `${resumed.status}`,
  );
}

/** The tool agent's search reads the docs the image carries. */
async function checkToolAgent(url: string): Promise<void> {
  const run = await streamRun(url, {
    workflow: "tool-agent",
    input: "How does stepstream handle a slow reader?",
  });
  const outputs = run.parts.filter(({ part }) => part.type === "tool-output-available");
  const found = outputs.some(({ part }) => JSON.stringify(part).includes("docs/"));
  check(
    found && terminalParts(run)[0]?.part.type === "finish",
    "the tool agent searches the docs in the image",
  );
}

/**
 * The compile cache the build filled (as root, in CI) is read by the server running as another
 * user from the read-only task root: start.mjs links it into /tmp under this user's name. Node's
 * own debug log says, module by module, whether V8 accepted the cached code.
 */
async function checkCompileCache(sandbox: Sandbox): Promise<void> {
  const server = await startSandboxServer(sandbox, {
    env: { MODEL_PROVIDER: "offline", OFFLINE_TOKENS_PER_SECOND: "0", NODE_DEBUG_NATIVE: "COMPILE_CACHE" },
  });
  try {
    await streamRun(server.url, { workflow: "report-writer", input: "Is the compile cache read?" });
  } finally {
    await server.stop();
  }
  const count = (pattern: RegExp) => server.output().match(pattern)?.length ?? 0;
  const accepted = count(/V8 code cache for \S+ \S+ was accepted/g);
  const missed = count(/V8 code cache for \S+ \S+ was (rejected|not initialized)/g);
  check(
    accepted >= 500 && missed <= accepted / 20,
    "the compile cache built into the image serves a cold start, as the server's own user",
    `${accepted} modules from the cache, ${missed} compiled afresh`,
  );
}

async function main(): Promise<void> {
  const sandbox = prepareSandbox(projectRoot);
  const { plan } = sandbox;
  console.log(`Runner stage replayed into ${sandbox.taskRoot} (read-only), /tmp → ${sandbox.tmpDir}`);
  console.log(
    `  server runs as uid ${sandbox.uid}; not replayed: ${sandbox.notReplayed.map((c) => c.image).join(", ")}`,
  );
  const before = snapshotTree(sandbox.taskRoot);
  const startedAt = Date.now();
  // A modest token rate makes a run last long enough that buffering would show.
  const probe = join(sandbox.root, "module-probe.mjs");
  writeModuleProbe(probe);
  const server = await startSandboxServer(sandbox, {
    env: { MODEL_PROVIDER: "offline", OFFLINE_TOKENS_PER_SECOND: "200", NODE_OPTIONS: `--import=${probe}` },
  });
  try {
    check(
      true,
      `readiness ${plan.env.AWS_LWA_READINESS_CHECK_PATH} answered 200`,
      `${server.readyMs.toFixed(0)} ms after spawn`,
    );
    const loadedEarly = heavyLoaded(server.output());
    check(
      loadedEarly.length === 0,
      "readiness loads neither LangGraph nor the AWS SDK",
      loadedEarly.join(", "),
    );
    check(server.url.endsWith(`:${plan.env.PORT}`), `listening on the image's port ${plan.env.PORT}`);
    const cache = join(sandbox.taskRoot, ".next/cache");
    check(existsSync(cache) && statSync(cache).isDirectory(), ".next/cache resolves to a directory on /tmp");
    await checkPages(server.url);
    await checkRun(server.url);
    await checkPauseAndResume(server.url);
    await checkToolAgent(server.url);
    const loaded = heavyLoaded(server.output());
    check(loaded.includes("@langchain/langgraph"), "LangGraph loads on first use", loaded.join(", "));
  } finally {
    await server.stop();
  }
  await checkCompileCache(sandbox);
  const problems = server.output().match(/.*\b(EACCES|EROFS|EPERM)\b.*/g) ?? [];
  check(
    problems.length === 0,
    "no permission errors in the server's output",
    problems.slice(0, 3).join(" | "),
  );
  const writes = findWritesOutsideTmp(sandbox, before, startedAt);
  check(writes.length === 0, "nothing written outside the /tmp stand-in", writes.slice(0, 5).join(", "));
  console.log(
    // Not into the compile cache's link: it leads to the cache in the read-only task root.
    `  /tmp stand-in holds: ${
      readdirSync(sandbox.tmpDir, { recursive: true })
        .map(String)
        .filter((path) => !path.startsWith("node-compile-cache/v"))
        .join(", ") || "nothing"
    }`,
  );
  sandbox.dispose();
  if (failures.length > 0) {
    console.error(`\nsmoke:lambda failed: ${failures.join("; ")}\n--- server output ---\n${server.output()}`);
    process.exit(1);
  }
  console.log("\nsmoke:lambda passed");
}

await main();
