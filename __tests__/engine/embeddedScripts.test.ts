import RedisMock from "ioredis-mock";
import type Redis from "ioredis";
import { defineChatScripts } from "../../src/scripts/chatScripts";
import { defineEmbeddedScript } from "../../src/scripts/embeddedLua";

const { lauxlib } = require("fengari");

describe("the chat's scripts on ioredis-mock (the embedded mode)", () => {
  const keys = ["t:room", "t:members", "t:holders", "t:presence", "t:keys"];
  let redis: Redis;

  beforeEach(async () => {
    redis = new RedisMock({ port: 990 }) as unknown as Redis;
    await redis.flushall();
    defineChatScripts(redis);
    await redis.set("t:room", "generation-1");
  });

  test("run in one Lua state kept for the connection: no new state per call", async () => {
    const newState = jest.spyOn(lauxlib, "luaL_newstate");
    try {
      for (let i = 0; i < 50; i++)
        await redis.ahChatJoin(
          ...(keys as [string, string, string, string, string]),
          `c${i}`,
          "{}",
          "node-a",
          `p${i}`,
        );
      await redis.ahChatLeave(
        "t:members",
        "t:holders",
        "t:presence",
        "t:keys",
        "c0",
      );
      expect(newState).not.toHaveBeenCalled();
    } finally {
      newState.mockRestore();
    }
  });

  test("answer as Redis does: integers, strings, nested arrays, nil for false", async () => {
    const join = (id: string, presence: string) =>
      redis.ahChatJoin(
        ...(keys as [string, string, string, string, string]),
        id,
        `{"id":"${id}"}`,
        "node-a",
        presence,
      );
    expect(await join("c1", "p")).toEqual([1, "generation-1", 1]);
    expect(await join("c1", "p")).toEqual([0, "generation-1", 0]);
    expect(await join("c2", "p")).toEqual([1, "generation-1", 0]);
    expect(
      await redis.ahChatLeave(
        "t:members",
        "t:holders",
        "t:presence",
        "t:keys",
        "c2",
      ),
    ).toEqual([1, ""]);
    expect(await redis.ahChatHistoryGap("t:noHistory", 5)).toBeNull();
    expect(
      await redis.ahChatDestroy(
        ...(keys as [string, string, string, string, string]),
      ),
    ).toEqual([["generation-1", "c1", "node-a"]]);
    expect(await redis.exists("t:room", "t:members", "t:holders")).toBe(0);
  });

  test("whole numbers past 32 bits reach a script and come back whole", async () => {
    defineEmbeddedScript(
      redis,
      "tCounts",
      1,
      "return redis.call('INCRBY', KEYS[1], ARGV[1])",
    );
    const calls = redis as unknown as Record<
      string,
      (...args: string[]) => Promise<unknown>
    >;
    expect(await calls.tCounts("t:big", "3000000000")).toBe(3_000_000_000);
    expect(await calls.tCounts("t:big", "1")).toBe(3_000_000_001);
  });

  test("an error in a script fails the call; redis.pcall answers it as a table", async () => {
    defineEmbeddedScript(
      redis,
      "tFails",
      0,
      "return redis.call('NOSUCHCOMMAND')",
    );
    defineEmbeddedScript(
      redis,
      "tCatches",
      0,
      "return redis.pcall('NOSUCHCOMMAND')",
    );
    defineEmbeddedScript(redis, "tRaises", 0, "error('no room here')");
    const calls = redis as unknown as Record<string, () => Promise<unknown>>;
    await expect(calls.tFails()).rejects.toThrow(/Unknown Redis command/);
    await expect(calls.tCatches()).rejects.toThrow(/Unknown Redis command/);
    await expect(calls.tRaises()).rejects.toThrow(/no room here/);
    // The state is still good for the next call.
    expect(await redis.ahChatHistoryGap("t:noHistory", 1)).toBeNull();
  });
});
