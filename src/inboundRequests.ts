/** How a connection's reading is stopped and started again. */
export interface ReadFlow {
  pause(): void;
  resume(): void;
}

/**
 * One connection's requests, read and not yet started. They start in the order read, at most
 * `maxUnderWay()` at once; while that many are under way or requests wait, reading is paused, so the
 * client's own TCP window holds the rest and at most one read waits here. Requests after the first
 * batch start in a later turn of the event loop, not in the promise chain of the last one, so one
 * client's stream of requests cannot hold up every other connection.
 */
export class InboundRequests<T> {
  private waiting: T[] = [];
  private started = 0;
  private underWay = 0;
  private scheduled = false;
  private closed = false;

  constructor(
    private readonly handle: (request: T) => Promise<unknown>,
    private readonly flow: ReadFlow,
    private readonly maxUnderWay: () => number,
  ) {}

  push(...requests: T[]) {
    if (this.closed) return;
    this.waiting.push(...requests);
    this.pump();
  }

  /**
   * Drops what waits: what a closed connection (a flooder, say) had sent and was not started is not
   * handled. Reading resumes, so that the rest is read and dropped and the close can complete.
   */
  close() {
    this.closed = true;
    this.waiting = [];
    this.started = 0;
    this.flow.resume();
  }

  private pump() {
    this.scheduled = false;
    const max = this.maxUnderWay();
    while (this.started < this.waiting.length && this.underWay < max) {
      const request = this.waiting[this.started++];
      this.underWay++;
      this.handle(request).then(this.finished, this.finished);
    }
    if (this.started === this.waiting.length) {
      this.waiting = [];
      this.started = 0;
    }
    if (this.closed) return;
    if (this.waiting.length > 0 || this.underWay >= max) this.flow.pause();
    else this.flow.resume();
  }

  /** The handler reports its own failures; either way, one request less is under way. */
  private readonly finished = () => {
    this.underWay--;
    this.schedulePump();
  };

  private schedulePump() {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.pump());
  }
}
