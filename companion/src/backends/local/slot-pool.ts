import { ApiError, ClientGone } from '../../http/api-error';

interface Waiter<S> {
  resolve: (slot: S) => void;
  reject: (err: unknown) => void;
  pick: (free: S[]) => number;
}

/**
 * A fixed set of slots (context sequences) with a bounded FIFO of waiters. A full queue is
 * refused at once with 429 and a `Retry-After`, so overload is visible to clients instead of
 * turning into unbounded latency. A waiter whose client disconnects leaves the queue.
 */
export class SlotPool<S> {
  private readonly free: S[];
  private readonly waiters: Waiter<S>[] = [];
  private busy = 0;

  constructor(
    slots: S[],
    private readonly maxQueue: number,
    /** Seconds a client is told to wait when the queue is full. */
    private readonly retryAfterS: () => number = () => 1,
  ) {
    this.free = [...slots];
  }

  get active(): number {
    return this.busy;
  }

  get queued(): number {
    return this.waiters.length;
  }

  get capacity(): number {
    return this.free.length + this.busy;
  }

  /**
   * Takes a slot; `pick` chooses among free slots (for KV-cache prefix reuse). Rejects with
   * 429 when the queue is full, and with `ClientGone` when `signal` aborts while waiting.
   */
  acquire(signal: AbortSignal, pick: (free: S[]) => number = () => 0): Promise<S> {
    if (signal.aborted) return Promise.reject(new ClientGone());
    if (this.free.length > 0) return Promise.resolve(this.take(pick));
    if (this.waiters.length >= this.maxQueue) {
      const after = Math.max(1, Math.ceil(this.retryAfterS()));
      return Promise.reject(
        new ApiError('queueFull', `The model queue is full (${this.busy} running, ${this.waiters.length} waiting); retry in ${after} s.`, {
          headers: { 'retry-after': String(after) },
        }),
      );
    }
    return new Promise<S>((resolve, reject) => {
      const waiter: Waiter<S> = { resolve, reject, pick };
      const onAbort = () => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(new ClientGone());
      };
      signal.addEventListener('abort', onAbort, { once: true });
      waiter.resolve = (slot) => {
        signal.removeEventListener('abort', onAbort);
        resolve(slot);
      };
      this.waiters.push(waiter);
    });
  }

  release(slot: S): void {
    this.busy -= 1;
    this.free.push(slot);
    const next = this.waiters.shift();
    if (next) next.resolve(this.take(next.pick));
  }

  /** Fails every waiter, for shutdown. */
  drain(err: unknown): void {
    for (const w of this.waiters.splice(0)) w.reject(err);
  }

  private take(pick: (free: S[]) => number): S {
    const i = Math.min(Math.max(0, pick(this.free)), this.free.length - 1);
    const [slot] = this.free.splice(i, 1);
    this.busy += 1;
    return slot as S;
  }
}
