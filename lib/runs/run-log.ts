import { isTerminalChunk, type RunChunk, type SequencedChunk } from "./contract";

/** A sequenced part plus its JSON, serialised once however many readers it has. */
export interface LoggedChunk extends SequencedChunk {
  json: string;
}

/**
 * The ordered record of one run's parts. The executor appends; any number of readers follow it
 * from any sequence number, each at its own pace (they pull, the log never pushes). It accepts
 * nothing after the terminal part, so a reader always sees exactly one.
 */
export class RunLog {
  readonly #entries: LoggedChunk[] = [];
  readonly #waiters = new Set<() => void>();

  get lastSeq(): number {
    return this.#entries.length;
  }

  get isClosed(): boolean {
    const last = this.#entries.at(-1);
    return last !== undefined && isTerminalChunk(last.chunk);
  }

  /** Appends a part and returns its sequence number; parts after the terminal one are dropped. */
  append(chunk: RunChunk): number | undefined {
    if (this.isClosed) return undefined;
    const seq = this.#entries.length + 1;
    this.#entries.push({ seq, chunk, json: JSON.stringify(chunk) });
    for (const wake of this.#waiters) wake();
    this.#waiters.clear();
    return seq;
  }

  /** The entry with this sequence number, if appended. */
  entry(seq: number): LoggedChunk | undefined {
    return this.#entries[seq - 1];
  }

  /** The parts after `afterSeq` that are already here. */
  entriesAfter(afterSeq: number): readonly LoggedChunk[] {
    return this.#entries.slice(Math.max(0, afterSeq));
  }

  /**
   * The part with sequence number `afterSeq + 1`, waiting up to `timeoutMs` (default: for ever)
   * if it has not been appended yet; undefined once the log has closed before it, or at the
   * timeout. One timer per wait and no AbortSignal: this sits on every reader's per-token path.
   */
  async next(afterSeq: number, timeoutMs = Number.POSITIVE_INFINITY): Promise<LoggedChunk | undefined> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const entry = this.#entries[afterSeq];
      if (entry) return entry;
      const left = deadline - performance.now();
      if (this.isClosed || left <= 0) return undefined;
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          resolve();
        };
        const timer = Number.isFinite(left)
          ? setTimeout(() => {
              this.#waiters.delete(wake);
              resolve();
            }, left)
          : undefined;
        this.#waiters.add(wake);
      });
    }
  }
}
