/** What the limiter says of one more message from a connection. */
export type SayVerdict = "accepted" | "limited" | "flooding";

interface Bucket {
  tokens: number;
  refilledAt: number;
  /** Refusals not yet forgiven: each is forgiven after one message's worth of time at the rate. */
  refusals: number;
  refusedAt: number;
}

/**
 * A token bucket per connection: `ratePerSecond` messages a second on average, up to `burst` at once.
 * Refusals are forgiven at the rate too, so a connection that sends more than twice the rate piles
 * them up whatever it is let through meanwhile; past a whole burst of them it is `flooding`. A rate
 * of 0 turns the limit off.
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
      bucket = {
        tokens: this.burst,
        refilledAt: now,
        refusals: 0,
        refusedAt: now,
      };
      this.buckets.set(connection, bucket);
    }
    bucket.tokens = Math.min(
      this.burst,
      bucket.tokens + this.earned(now - bucket.refilledAt),
    );
    bucket.refilledAt = now;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return "accepted";
    }
    bucket.refusals =
      Math.max(0, bucket.refusals - this.earned(now - bucket.refusedAt)) + 1;
    bucket.refusedAt = now;
    return bucket.refusals > this.burst ? "flooding" : "limited";
  }

  /** Messages' worth of the rate in `ms`. */
  private earned(ms: number) {
    return (ms * this.ratePerSecond) / 1000;
  }
}
