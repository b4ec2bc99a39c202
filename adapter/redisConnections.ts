import { Cluster, type ClusterNode, type ClusterOptions } from "ioredis";
import type { ChatConfig, RedisConnectionConfig } from "../src/config";
import type { RedisMode } from "../src/observability/chatMetrics";
import {
  isCluster,
  isInMemory,
  isReady,
  type RedisConnection,
} from "../src/redisConnection";

export interface ChatRedisConnections {
  client: RedisConnection;
  subscriber: RedisConnection;
  /** Publishes on the subscriber's server (a connection that subscribes cannot publish). */
  publisher: RedisConnection;
  /** True when the plugin made these connections and must close them. */
  owned: boolean;
  /** True when they are ioredis-mock: chat stays within this process. */
  inMemory: boolean;
  /** The servers a Redis Cluster was discovered from, as `host:port,host:port`, for the log. */
  clusterSeeds?: string;
}

/**
 * The Redis connections chat uses: an in-memory one with `fake: true`, the ones `config.chat.redis`
 * names (or a Redis Cluster it names), or else the application's own (`config.redis`), so chat goes
 * wherever the app's Redis goes.
 */
export function chatRedisConnections(
  chatConfig: ChatConfig,
  appClients: { client: RedisConnection; subscriber: RedisConnection },
): ChatRedisConnections {
  const { fake, redis } = chatConfig;
  if (fake) {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const RedisMock = require("ioredis-mock") as new () => RedisConnection;
    const client = new RedisMock();
    return {
      client,
      subscriber: client.duplicate(),
      publisher: client,
      owned: true,
      inMemory: true,
    };
  }
  if (redis && "cluster" in redis) {
    const { nodes } = redis.cluster;
    const options: ClusterOptions = {
      // ioredis learns of a replica taking over from errors only; this learns it within a second, so
      // the nodes recover at about the same time (well inside one another's nodeTimeout).
      slotsRefreshInterval: 1000,
      ...redis.cluster.options,
    };
    const client = new Cluster(nodes, options);
    // One subscriber connection per master, each subscribed to the channels of its slots.
    const subscriber = new Cluster(nodes, {
      ...options,
      shardedSubscribers: true,
    });
    return {
      client,
      subscriber,
      publisher: client,
      owned: true,
      inMemory: false,
      clusterSeeds: nodes.map(describeSeed).join(","),
    };
  }
  if (redis) {
    const client = buildConnection(redis.client);
    const subscriber = buildConnection(redis.subscriber);
    const publisher = buildConnection(redis.subscriber);
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

function describeSeed(node: ClusterNode) {
  return typeof node === "object"
    ? `${node.host ?? "localhost"}:${node.port ?? 6379}`
    : String(node);
}

function buildConnection({
  konstructor,
  args = [],
  buildNew = true,
}: RedisConnectionConfig): RedisConnection {
  if (buildNew) return new konstructor(...args) as RedisConnection;
  return (konstructor as unknown as (args: unknown[]) => RedisConnection)(args);
}

/** Where one of the chat's connections points, for the log. */
export function describeRedis(
  connections: ChatRedisConnections,
  role: "client" | "subscriber",
) {
  const connection = connections[role];
  if (isInMemory(connection)) return "in-memory Redis (ioredis-mock)";
  if (isCluster(connection))
    return `redis cluster ${connections.clusterSeeds}${role === "subscriber" ? " (sharded pub/sub)" : ""}`;
  const { host, port, db, path } = connection.options ?? {};
  return path
    ? `redis ${path} db ${db ?? 0}`
    : `redis ${host}:${port} db ${db ?? 0}`;
}

/**
 * Resolves once each connection is ready, as actionhero waits for its own at boot (ioredis-mock always
 * is). Rejects if no server of a cluster answers, so that the boot fails and says why.
 */
export async function connectionsReady(connections: ChatRedisConnections) {
  const { client, subscriber, publisher } = connections;
  await Promise.all(
    [...new Set([client, subscriber, publisher])].map((connection) =>
      isReady(connection)
        ? undefined
        : new Promise<void>((resolve, reject) => {
            const fail = (error: Error) => {
              connection.off("ready", ready);
              reject(
                new Error(
                  `chat cannot reach the redis cluster ${connections.clusterSeeds}: ${error.message}`,
                ),
              );
            };
            const ready = () => {
              connection.off("error", fail);
              resolve();
            };
            connection.once("ready", ready);
            if (isCluster(connection)) connection.once("error", fail);
          }),
    ),
  );
}

/**
 * Logs the errors of the connections the plugin made (the application's own are actionhero's to log):
 * an error event nobody listens to stops the process. Returns what stops the logging.
 */
export function logRedisErrors(
  connections: ChatRedisConnections,
  logError: (message: string) => void,
) {
  if (!connections.owned) return () => undefined;
  const { client, subscriber, publisher } = connections;
  const listening = [...new Set([client, subscriber, publisher])].map(
    (connection) => {
      const role = connection === subscriber ? "messages" : "rooms and members";
      const listener = (error: Error) =>
        logError(`Redis error (${role}): ${error.message}`);
      connection.on("error", listener);
      return () => connection.off("error", listener);
    },
  );
  return () => listening.forEach((stop) => stop());
}

/** How chat reaches Redis, for metrics and health. */
export function redisMode(connections: ChatRedisConnections): RedisMode {
  if (connections.inMemory) return "memory";
  if (isCluster(connections.client)) return "cluster";
  return describeRedis(connections, "client") ===
    describeRedis(connections, "subscriber")
    ? "single"
    : "split";
}
