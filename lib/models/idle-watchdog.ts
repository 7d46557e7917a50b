import { ModelStreamStalledError } from "./model-failures";

/**
 * Aborts its signal when no chunk came for the limit: `firstMs` before the first, `idleMs` after.
 * One timer that re-checks when it fires, rather than a new timer per chunk on the token path.
 */
export class IdleWatchdog {
  readonly #controller = new AbortController();
  readonly #idleMs: number;
  #limitMs: number;
  #lastChunkAt = performance.now();
  #touched = false;
  #timer: ReturnType<typeof setTimeout>;

  constructor(firstMs: number, idleMs: number) {
    this.#limitMs = firstMs;
    this.#idleMs = idleMs;
    this.#timer = setTimeout(this.#check, firstMs);
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  touch(): void {
    this.#lastChunkAt = performance.now();
    if (this.#touched) return;
    this.#touched = true;
    this.#limitMs = this.#idleMs;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(this.#check, this.#idleMs);
  }

  dispose(): void {
    clearTimeout(this.#timer);
  }

  readonly #check = () => {
    const silentMs = performance.now() - this.#lastChunkAt;
    if (silentMs >= this.#limitMs) this.#controller.abort(new ModelStreamStalledError(this.#limitMs));
    else this.#timer = setTimeout(this.#check, this.#limitMs - silentMs);
  };
}
