import type { Redis } from "ioredis";
import { isReady } from "../src/availability";
import type { ChatConfig, RedisConnectionConfig } from "../src/config";

export interface ChatRedisConnections {
  client: Redis;
  subscriber: Redis;
  /** Publishes on the subscriber's server (a connection that subscribes cannot publish). */
  publisher: Redis;
  /** True when the plugin made these connections and must close them. */
  owned: boolean;
  /** True when they are ioredis-mock: chat stays within this process. */
  inMemory: boolean;
}

/**
 * The Redis connections chat uses: an in-memory one with `fake: true`, the ones `config.chat.redis`
 * names, or else the application's own (`config.redis`), so chat goes wherever the app's Redis goes.
 */
export function chatRedisConnections(
  chatConfig: ChatConfig,
  appClients: { client: Redis; subscriber: Redis },
): ChatRedisConnections {
  if (chatConfig.fake) {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const RedisMock = require("ioredis-mock") as new () => Redis;
    const client = new RedisMock();
    return {
      client,
      subscriber: client.duplicate(),
      publisher: client,
      owned: true,
      inMemory: true,
    };
  }
  if (chatConfig.redis) {
    const client = buildConnection(chatConfig.redis.client);
    const subscriber = buildConnection(chatConfig.redis.subscriber);
    const publisher = buildConnection(chatConfig.redis.subscriber);
    return {
      client,
      subscriber,
      publisher,
      owned: true,
      inMemory: isInMemory(client),
    };
  }
  return {
    ...appClients,
    publisher: appClients.client,
    owned: false,
    inMemory: isInMemory(appClients.client),
  };
}

function buildConnection({
  konstructor,
  args = [],
  buildNew = true,
}: RedisConnectionConfig): Redis {
  if (buildNew) return new konstructor(...args) as Redis;
  return (konstructor as unknown as (args: unknown[]) => Redis)(args);
}

function isInMemory(client: Redis) {
  return /RedisMock/.test(client.constructor.name);
}

/** Where a connection points, for the log. */
export function describeRedis(client: Redis) {
  if (isInMemory(client)) return "in-memory Redis (ioredis-mock)";
  const { host, port, db, path } = client.options ?? {};
  return path
    ? `redis ${path} db ${db ?? 0}`
    : `redis ${host}:${port} db ${db ?? 0}`;
}

/** Resolves once each connection is ready, as actionhero waits for its own at boot (ioredis-mock always is). */
export async function connectionsReady(connections: ChatRedisConnections) {
  const { client, subscriber, publisher } = connections;
  await Promise.all(
    [...new Set([client, subscriber, publisher])].map((connection) =>
      isReady(connection)
        ? undefined
        : new Promise((resolve) => connection.once("ready", resolve)),
    ),
  );
}
