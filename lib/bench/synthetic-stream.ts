/**
 * The benchmark's reference stream: SSE events shaped like a run's token events, each token
 * stamped with the wall-clock time it was emitted (` @<epoch ms>`), paced on an absolute schedule.
 * The bare node:http reference server and the minimal Next.js route both serve exactly this, so
 * the app is compared with the floor (Node alone) and with the framework alone on the same bytes.
 * No imports: the reference server loads this file directly.
 */

const encoder = new TextEncoder();

/** Now, in epoch milliseconds with sub-millisecond precision, comparable across processes. */
export function wallClockMs(): number {
  return performance.timeOrigin + performance.now();
}

export function tokenStamp(): string {
  return ` @${wallClockMs().toFixed(3)}`;
}

/** `tokens` token events at `rate` per second (0: as fast as possible), then finish and [DONE]. */
export function syntheticRunStream(tokens: number, rate: number): ReadableStream<Uint8Array> {
  const interval = rate > 0 ? 1000 / rate : 0;
  const startedAt = performance.now();
  let sent = 0;
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        controller.enqueue(encoder.encode('id: 1\ndata: {"type":"start","messageId":"reference"}\n\n'));
      },
      async pull(controller) {
        if (sent >= tokens) {
          controller.enqueue(
            encoder.encode(
              `id: ${sent + 2}\ndata: {"type":"finish","finishReason":"stop"}\n\ndata: [DONE]\n\n`,
            ),
          );
          controller.close();
          return;
        }
        const due = startedAt + (sent + 1) * interval;
        const wait = due - performance.now();
        await new Promise((resolve) => (wait > 0 ? setTimeout(resolve, wait) : setImmediate(resolve)));
        sent += 1;
        controller.enqueue(
          encoder.encode(
            `id: ${sent + 1}\ndata: {"type":"text-delta","id":"t","delta":"${tokenStamp()}"}\n\n`,
          ),
        );
      },
    },
    { highWaterMark: 0 },
  );
}

/** Reads `?tokens=` and `?rate=` with sane bounds. */
export function syntheticParams(url: URL): { tokens: number; rate: number } {
  const tokens = Math.min(100_000, Math.max(1, Number(url.searchParams.get("tokens") ?? 100) || 100));
  const rate = Math.min(10_000, Math.max(0, Number(url.searchParams.get("rate") ?? 30) || 0));
  return { tokens, rate };
}
