import type { RedisMode } from "../src/observability/chatMetrics";
import {
  isCluster,
  isReady,
  nodeKeyOf,
  slotMasters,
} from "../src/redisConnection";
import {
  describeRedis,
  redisMode,
  type ChatRedisConnections,
} from "./redisConnections";

/** What the admin page shows of chat's Redis, as the node serving the page sees it. */
export interface AdminRedis {
  mode: RedisMode;
  /** Where rooms and members are kept, and where messages travel. */
  rooms: string;
  messages: string;
  /** Whether every one of this node's chat connections to Redis answers now. */
  reachable: boolean;
  /** On a Redis Cluster: each master of a slot, and whether this node is connected to it. */
  masters?: { address: string; connected: boolean }[];
}

export function describeAdminRedis(
  connections: ChatRedisConnections,
): AdminRedis {
  const { client, subscriber, publisher } = connections;
  return {
    mode: redisMode(connections),
    rooms: describeRedis(connections, "client"),
    messages: describeRedis(connections, "subscriber"),
    reachable: [client, subscriber, publisher].every(isReady),
    ...(isCluster(client)
      ? {
          masters: [...slotMasters(client)]
            // A slot no master serves has none.
            .filter((address) => typeof address === "string")
            .sort()
            .map((address) => ({
              address,
              connected: client
                .nodes("master")
                .some(
                  (server) => nodeKeyOf(server) === address && isReady(server),
                ),
            })),
        }
      : {}),
  };
}
