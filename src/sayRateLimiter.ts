/** What the limiter says of one more message from a connection. */
export type SayVerdict = "accepted" | "limited" | "flooding";

interface Bucket {
  tokens: number;
  refilledAt: number;
  /** Messages refused since the last one accepted. */
  refusedInARow: number;
}

/**
 * A token bucket per connection: `ratePerSecond` messages a second on average, up to `burst` at once.
 * A connection that goes on sending a whole burst more while refused is `flooding`. A rate of 0 turns
 * the limit off.
 */
export class SayRateLimiter {
  private readonly buckets = new WeakMap<object, Bucket>();

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {}

  take(connection: object): SayVerdict {
    if (this.ratePerSecond <= 0) return "accepted";
    const now = this.now();
    let bucket = this.buckets.get(connection);
    if (!bucket) {
      bucket = { tokens: this.burst, refilledAt: now, refusedInARow: 0 };
      this.buckets.set(connection, bucket);
    }
    bucket.tokens = Math.min(
      this.burst,
      bucket.tokens + ((now - bucket.refilledAt) * this.ratePerSecond) / 1000,
    );
    bucket.refilledAt = now;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      bucket.refusedInARow = 0;
      return "accepted";
    }
    bucket.refusedInARow += 1;
    return bucket.refusedInARow > this.burst ? "flooding" : "limited";
  }
}
