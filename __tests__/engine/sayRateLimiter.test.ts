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
    // The refusal before is forgiven by now: three more are a whole burst of them.
    expect([1, 2, 3].map(() => limiter.take(alice))).toEqual([
      "limited",
      "limited",
      "limited",
    ]);
    expect(limiter.take(alice)).toBe("flooding");
    now += 10_000; // a full bucket again, and every refusal forgiven
    expect([1, 2, 3].map(() => limiter.take(alice))).toEqual([
      "accepted",
      "accepted",
      "accepted",
    ]);
    expect(limiter.take(alice)).toBe("limited");
  });

  test("a connection let through at the rate but sending far more is flooding all the same", () => {
    let now = 0;
    const limiter = new SayRateLimiter(10, 3, () => now);
    const alice = {};
    for (let n = 0; n < 3; n++) limiter.take(alice);
    // Ten says every tenth of a second, at 10 a second: one is let through each time.
    const verdicts: string[] = [];
    while (!verdicts.includes("flooding") && now < 10_000) {
      now += 100;
      for (let n = 0; n < 10; n++) verdicts.push(limiter.take(alice));
    }
    expect(verdicts).toContain("accepted");
    expect(verdicts).toContain("flooding");
  });

  test("a connection a little over the rate is limited, never flooding", () => {
    let now = 0;
    const limiter = new SayRateLimiter(10, 3, () => now);
    const alice = {};
    const verdicts = new Set<string>();
    // 15 a second for a minute: a third of them refused, and refusals forgiven as fast as they come.
    for (let n = 0; n < 900; n++) {
      now += 1000 / 15;
      verdicts.add(limiter.take(alice));
    }
    expect([...verdicts].sort()).toEqual(["accepted", "limited"]);
  });

  test("a rate of 0 limits nothing", () => {
    const limiter = new SayRateLimiter(0, 0);
    const alice = {};
    for (let n = 0; n < 1000; n++) expect(limiter.take(alice)).toBe("accepted");
  });
});
