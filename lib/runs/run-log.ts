import { isTerminalChunk, type RunChunk, type SequencedChunk } from "./contract";

/** A sequenced part plus its JSON, serialised once however many readers it has. */
export interface LoggedChunk extends SequencedChunk {
  json: string;
}

/**
 * The ordered record of one segment of a run's parts: the whole run, or what follows a resume
 * after a pause (then numbered on from `baseSeq`, the last part stored before it). The executor
 * appends; any number of readers follow it from any sequence number, each at its own pace (they
 * pull, the log never pushes). It accepts nothing once it ends: with the terminal part, or paused
 * while the run waits for a person (then with no terminal of its own).
 */
export class RunLog {
  readonly #entries: LoggedChunk[] = [];
  readonly #waiters = new Set<() => void>();
  #paused = false;

  constructor(readonly baseSeq = 0) {}

  get lastSeq(): number {
    return this.baseSeq + this.#entries.length;
  }

  /** Ended with its terminal part. */
  get isClosed(): boolean {
    const last = this.#entries.at(-1);
    return last !== undefined && isTerminalChunk(last.chunk);
  }

  /** Ended because the run waits for a person's answer. */
  get isPaused(): boolean {
    return this.#paused;
  }

  get isEnded(): boolean {
    return this.#paused || this.isClosed;
  }

  /** Appends a part and returns its sequence number; parts after the log ended are dropped. */
  append(chunk: RunChunk): number | undefined {
    if (this.isEnded) return undefined;
    const seq = this.lastSeq + 1;
    this.#entries.push({ seq, chunk, json: JSON.stringify(chunk) });
    this.#wake();
    return seq;
  }

  /** Ends the log without a terminal part: the run waits, and a resume will go on in a new log. */
  pause(): void {
    this.#paused = true;
    this.#wake();
  }

  #wake(): void {
    for (const wake of this.#waiters) wake();
    this.#waiters.clear();
  }

  /** The entry with this sequence number, if appended to this log. */
  entry(seq: number): LoggedChunk | undefined {
    return seq > this.baseSeq ? this.#entries[seq - this.baseSeq - 1] : undefined;
  }

  /** The parts of this log after `afterSeq` that are already here. */
  entriesAfter(afterSeq: number): readonly LoggedChunk[] {
    return this.#entries.slice(Math.max(0, afterSeq - this.baseSeq));
  }

  /**
   * The part with sequence number `afterSeq + 1`, waiting up to `timeoutMs` (default: for ever)
   * if it has not been appended yet; undefined once the log has ended before it, or at the
   * timeout. One timer per wait and no AbortSignal: this sits on every reader's per-token path.
   */
  async next(afterSeq: number, timeoutMs = Number.POSITIVE_INFINITY): Promise<LoggedChunk | undefined> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const entry = this.entry(afterSeq + 1);
      if (entry) return entry;
      const left = deadline - performance.now();
      if (this.isEnded || left <= 0) return undefined;
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
