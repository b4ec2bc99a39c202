import { SayRateLimiter } from "../../src/sayRateLimiter";

describe("the say rate limiter", () => {
  test("a burst at once, then the rate, and a connection that goes on a burst past it is flooding", () => {
    let now = 0;
    const limiter = new SayRateLimiter(10, 3, () => now);
    const alice = {};
    const bob = {};
    expect([1, 2, 3].map(() => limiter.take(alice))).toEqual([
      "accepted",
      "accepted",
      "accepted",
    ]);
    expect(limiter.take(alice)).toBe("limited");
    // Each connection has a bucket of its own.
    expect(limiter.take(bob)).toBe("accepted");
    now += 100; // one more message's worth at 10 a second
    expect(limiter.take(alice)).toBe("accepted");
    expect([1, 2, 3].map(() => limiter.take(alice))).toEqual([
      "limited",
      "limited",
      "limited",
    ]);
    expect(limiter.take(alice)).toBe("flooding");
    now += 10_000; // a full bucket again, and the count of refusals starts over
    expect(limiter.take(alice)).toBe("accepted");
    expect(limiter.take(alice)).toBe("accepted");
  });

  test("a rate of 0 limits nothing", () => {
    const limiter = new SayRateLimiter(0, 0);
    const alice = {};
    for (let n = 0; n < 1000; n++) expect(limiter.take(alice)).toBe("accepted");
  });
});
