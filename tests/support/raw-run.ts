import { type IncomingMessage, request } from "node:http";

/**
 * Starts a run with a bare `node:http` request on a connection of its own, and resolves with the
 * response paused before a byte of its body is read: the test reads at whatever pace it wants.
 */
export function openPausedRun(
  baseUrl: string,
  run: { workflow: string; input: string },
  cookie?: string,
): Promise<IncomingMessage> {
  const body = JSON.stringify(run);
  return new Promise((resolve, reject) => {
    const req = request(
      `${baseUrl}/api/runs`,
      {
        method: "POST",
        agent: false,
        headers: {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
          ...(cookie ? { cookie } : {}),
        },
      },
      (res) => {
        res.pause();
        resolve(res);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** Reads the rest of a paused response, handing each chunk to `onChunk`; resolves at its end. */
export function readToEnd(res: IncomingMessage, onChunk: (chunk: Buffer) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    res.on("data", onChunk);
    res.on("end", resolve);
    res.on("error", reject);
    res.resume();
  });
}
