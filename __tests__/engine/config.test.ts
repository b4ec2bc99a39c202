import Redis from "ioredis";
import { resolveChatConfig } from "../../src/config";

const cluster = { nodes: [{ host: "127.0.0.1", port: 7000 }] };
const server = { konstructor: Redis, args: [{ port: 6379 }] };

describe("config.chat.redis", () => {
  test("a cluster, or client and subscriber, or nothing, is accepted", () => {
    expect(resolveChatConfig({ redis: { cluster } }).redis).toEqual({
      cluster,
    });
    expect(
      resolveChatConfig({ redis: { client: server, subscriber: server } })
        .redis,
    ).toEqual({ client: server, subscriber: server });
    expect(resolveChatConfig({}).redis).toBeNull();
  });

  test("a cluster mixed with single-server connections, with fake, or without servers fails with a clear message", () => {
    expect(() =>
      resolveChatConfig({
        redis: { cluster, client: server } as never,
      }),
    ).toThrow(
      "config.chat.redis: `cluster` cannot be combined with `client` and `subscriber`: give one or the other",
    );
    expect(() => resolveChatConfig({ fake: true, redis: { cluster } })).toThrow(
      "config.chat.redis: `cluster` cannot be combined with `fake: true`",
    );
    expect(() =>
      resolveChatConfig({ redis: { cluster: { nodes: [] } } }),
    ).toThrow(
      "config.chat.redis: `cluster.nodes` must list at least one server",
    );
  });
});
