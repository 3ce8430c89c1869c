import { RpcError, RpcErrorCode } from './errors.ts';

/** What a writer needs from its peer: put chunks and the closing frame on the wire. */
export interface WriterLink<T> {
  sendChunk(seq: number, chunk: T): void;
  sendEnd(seq: number): void;
  sendError(seq: number, error: RpcError): void;
}

/**
 * Producer end of a stream. `write` waits while the receiver has granted no credit, so a producer
 * can never be more than the receiver's window ahead of its consumer.
 */
export class RpcStreamWriter<T> {
  #credits = 0;
  #seq = 0;
  #sent = 0;
  #waiters: Array<() => void> = [];
  #closed: RpcError | undefined;
  readonly #link: WriterLink<T>;

  constructor(link: WriterLink<T>) {
    this.#link = link;
  }

  /** Chunks written so far. */
  get sent(): number {
    return this.#sent;
  }

  /** Chunks that may be written now without waiting. */
  get credits(): number {
    return this.#credits;
  }

  /** True once ended, failed, or torn down with the call. */
  get closed(): boolean {
    return this.#closed !== undefined;
  }

  /** Sends one chunk, first waiting for credit; rejects if the stream or its call is closed. */
  async write(chunk: T): Promise<void> {
    while (this.#credits === 0 && !this.#closed) {
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
    if (this.#closed) throw this.#closed;
    this.#credits--;
    this.#sent++;
    this.#link.sendChunk(this.#seq++, chunk);
  }

  /** Ends the stream normally (no credit needed); later writes reject. */
  end(): void {
    if (this.#closed) return;
    this.#link.sendEnd(this.#seq++);
    this.close(new RpcError(RpcErrorCode.CANCELLED, 'stream already ended'));
  }

  /** Ends the stream with an error the consumer will see. */
  fail(error: unknown): void {
    if (this.#closed) return;
    const rpcError = RpcError.from(error);
    this.#link.sendError(this.#seq++, rpcError);
    this.close(rpcError);
  }

  /** Writes every chunk of `source` (honouring credit), then ends; a throwing source fails the stream. */
  async from(source: AsyncIterable<T> | Iterable<T>): Promise<void> {
    try {
      for await (const chunk of source) await this.write(chunk);
      this.end();
    } catch (error) {
      this.fail(error);
      throw error;
    }
  }

  /** @internal The receiver granted more credit. */
  grant(credits: number): void {
    this.#credits += credits;
    this.#wake();
  }

  /** @internal Closes locally without sending anything (the call settled, or the link dropped). */
  close(reason: RpcError): void {
    if (this.#closed) return;
    this.#closed = reason;
    this.#wake();
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }
}

/** What a reader needs from its peer: grant credit, and say the consumer walked away. */
export interface ReaderLink {
  grant(credits: number): void;
  abandon(): void;
}

/**
 * Consumer end of a stream, an async iterable (iterate once). It grants credit as chunks are taken
 * out, in batches of half the window to keep credit frames rare; breaking out of the loop early
 * abandons the stream (for a caller, that cancels the call).
 */
export class RpcStreamReader<T> implements AsyncIterable<T> {
  readonly #link: ReaderLink;
  readonly #window: number;
  readonly #batch: number;
  #queue: T[] = [];
  #ungranted = 0;
  #expectedSeq = 0;
  #done: 'ended' | RpcError | undefined;
  #waiter: { resolve: (r: IteratorResult<T>) => void; reject: (e: unknown) => void } | undefined;
  #iterating = false;

  constructor(link: ReaderLink, window: number) {
    this.#link = link;
    this.#window = window;
    this.#batch = Math.max(1, window >> 1);
  }

  /** Credit this reader grants when the stream opens. */
  get window(): number {
    return this.#window;
  }

  /** True once ended, failed or abandoned. */
  get done(): boolean {
    return this.#done !== undefined;
  }

  /** Reads every remaining chunk into an array (handy for small streams and tests). */
  async collect(): Promise<T[]> {
    const all: T[] = [];
    for await (const chunk of this) all.push(chunk);
    return all;
  }

  /** @internal A data chunk arrived. Out-of-order or over-window chunks fail the stream. */
  push(seq: number, chunk: T): void {
    if (this.#done) return;
    if (!this.#checkSeq(seq)) return;
    if (this.#queue.length + this.#ungranted >= this.#window) {
      this.fail(new RpcError(RpcErrorCode.INVALID_REQUEST, 'stream chunk sent without credit'));
      return;
    }
    const waiter = this.#waiter;
    if (waiter) {
      this.#waiter = undefined;
      this.#consumed();
      waiter.resolve({ value: chunk, done: false });
    } else {
      this.#queue.push(chunk);
    }
  }

  /** @internal The producer ended the stream. */
  end(seq?: number): void {
    if (this.#done) return;
    if (seq !== undefined && !this.#checkSeq(seq)) return;
    this.#done = 'ended';
    this.#settleWaiter();
  }

  /** @internal The stream failed (remote error, call failed, link dropped). Buffered chunks are dropped. */
  fail(error: RpcError): void {
    if (this.#done) return;
    this.#done = error;
    this.#queue = [];
    this.#settleWaiter();
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    if (this.#iterating) throw new Error('an RPC stream can be iterated only once');
    this.#iterating = true;
    return {
      next: () => this.#next(),
      return: async () => {
        if (!this.#done) {
          this.#done = new RpcError(RpcErrorCode.CANCELLED, 'stream abandoned by its consumer');
          this.#queue = [];
          this.#link.abandon();
        }
        return { value: undefined, done: true };
      },
    };
  }

  #next(): Promise<IteratorResult<T>> {
    if (this.#queue.length > 0) {
      const value = this.#queue.shift() as T;
      this.#consumed();
      return Promise.resolve({ value, done: false });
    }
    if (this.#done === 'ended') return Promise.resolve({ value: undefined, done: true });
    if (this.#done) return Promise.reject(this.#done);
    return new Promise((resolve, reject) => {
      this.#waiter = { resolve, reject };
    });
  }

  #consumed(): void {
    if (this.#done) return;
    this.#ungranted++;
    if (this.#ungranted >= this.#batch) {
      const credits = this.#ungranted;
      this.#ungranted = 0;
      this.#link.grant(credits);
    }
  }

  #checkSeq(seq: number): boolean {
    if (seq === this.#expectedSeq) {
      this.#expectedSeq++;
      return true;
    }
    this.fail(
      new RpcError(
        RpcErrorCode.INVALID_REQUEST,
        `stream frame out of order: ${seq}, expected ${this.#expectedSeq}`,
      ),
    );
    return false;
  }

  #settleWaiter(): void {
    const waiter = this.#waiter;
    if (!waiter) return;
    this.#waiter = undefined;
    if (this.#done === 'ended') waiter.resolve({ value: undefined, done: true });
    else waiter.reject(this.#done);
  }
}
