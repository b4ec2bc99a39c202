import Redis from "ioredis";
import RedisMock from "ioredis-mock";
import { RedisServer } from "./redisServer";

/** Where a suite's engines keep their rooms: each `newRedis()` is a fresh, empty Redis of one application. */
export interface RedisBackend {
  newRedis(): Promise<Redis>;
}

let nextMockDatabase = 1000;

const memoryBackend: RedisBackend = {
  newRedis: async () =>
    new RedisMock({ port: nextMockDatabase++ }) as unknown as Redis,
};

/** A redis-server of the suite's own; each `newRedis()` empties and hands out the next of its databases. */
function realBackend(): RedisBackend {
  let server: RedisServer | undefined;
  let nextDatabase = 0;
  const clients: Redis[] = [];
  beforeAll(async () => {
    server = await RedisServer.start();
  });
  afterAll(async () => {
    for (const client of clients) client.disconnect();
    await server?.stop();
  });
  return {
    async newRedis() {
      if (!server) throw new Error("the suite's redis-server has not started");
      const client = new Redis({
        host: "127.0.0.1",
        port: server.port,
        db: nextDatabase++ % 16,
      });
      clients.push(client);
      await client.flushdb();
      return client;
    },
  };
}

/** Runs a suite twice: on ioredis-mock (the embedded mode) and on a real redis-server (TTLs, scripts). */
export function describeOnEachRedis(
  title: string,
  suite: (backend: RedisBackend) => void,
) {
  describe.each(["ioredis-mock", "redis-server"])(`${title}, on %s`, (kind) =>
    suite(kind === "ioredis-mock" ? memoryBackend : realBackend()),
  );
}
