import { describe, expect, it } from "vitest";
import { parseSseBlock, readSseEvents } from "./read-stream";

const body = (text: string) => new Response(text);

describe("readSseEvents", () => {
  it("reads events, skips heartbeats and notes [DONE]", async () => {
    const read = await readSseEvents(
      body(
        'id: 1\ndata: {"type":"start"}\n\n: heartbeat\n\nid: 2\ndata: {"type":"finish"}\n\ndata: [DONE]\n\n',
      ),
    );
    expect(read.events.map((event) => [event.seq, event.type])).toEqual([
      [1, "start"],
      [2, "finish"],
    ]);
    expect(read.done).toBe(true);
  });

  it.each([
    ["an event without an id", 'data: {"type":"start"}'],
    ["broken JSON", "id: 1\ndata: {not json}"],
    ["an event without a type", 'id: 1\ndata: {"seq":1}'],
    ["a stray line", "event: something"],
  ])("fails on %s instead of taking it for a heartbeat", async (_name, block) => {
    expect(() => parseSseBlock(block)).toThrow();
    await expect(readSseEvents(body(`${block}\n\n`))).rejects.toThrow();
  });

  it("fails on a stream that ends inside a block", async () => {
    await expect(readSseEvents(body('id: 1\ndata: {"type":"start"}'))).rejects.toThrow(/inside a block/);
  });
});
