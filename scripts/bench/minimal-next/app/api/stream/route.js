export const dynamic = "force-dynamic";

/** One SSE stream of `tokens` token events, `rate` a second (0: as fast as they can go). */
export function GET(request) {
  const url = new URL(request.url);
  const tokens = Number(url.searchParams.get("tokens") ?? 140);
  const rate = Number(url.searchParams.get("rate") ?? 0);
  const encoder = new TextEncoder();
  let sent = 0;
  const body = new ReadableStream({
    async pull(controller) {
      if (sent === tokens) {
        controller.enqueue(encoder.encode("data: [DONE]\n\n"));
        controller.close();
        return;
      }
      if (rate > 0) await new Promise((resolve) => setTimeout(resolve, 1000 / rate));
      sent++;
      controller.enqueue(encoder.encode(`id: ${sent}\ndata: {"type":"text-delta","delta":"t${sent} "}\n\n`));
    },
  });
  return new Response(body, { headers: { "Content-Type": "text/event-stream; charset=utf-8" } });
}
