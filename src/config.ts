import type { ClusterNode, ClusterOptions } from "ioredis";
import type { Registry } from "prom-client";
import { getHeapStatistics } from "v8";

/** How to build one Redis connection, the shape actionhero's `config.redis` uses. */
export interface RedisConnectionConfig {
  konstructor: new (...args: any[]) => unknown;
  args?: unknown[];
  buildNew?: boolean;
}

/** A Redis Cluster for chat: the plugin connects to it itself, and carries messages by sharded pub/sub. */
export interface RedisClusterConfig {
  /**
   * Servers to discover the cluster from, as `{ host, port }` or `"host:port"`: one reachable master or
   * replica is enough; more survive the loss of one.
   */
  nodes: ClusterNode[];
  /** ioredis `ClusterOptions` for the plugin's cluster connections (`redisOptions` for passwords and TLS). */
  options?: ClusterOptions;
}

/** The `chat` namespace of actionhero's config (a type, not an interface, so it fits actionhero's config index). */
export type ChatConfig = {
  /** Every Redis key and channel of the plugin starts with this, so several applications can share a Redis. */
  keyPrefix: string;
  /** Longest accepted room name, in characters. */
  maxRoomNameLength: number;
  /** Longest accepted message, in characters (a non-string message is measured as JSON). */
  maxMessageLength: number;
  /** How long a node waits for the node holding a connection to answer a remote `addMember` / `removeMember`, in ms. */
  rpcTimeout: number;
  /**
   * A node that has not refreshed its liveness in Redis for this many ms is dead: the other nodes remove
   * its members (running `leave` middleware for each). It refreshes every third of this.
   */
  nodeTimeout: number;
  /** Says a connection may send a second, on average (token bucket); past it `RATE_LIMITED`. 0: no limit. */
  maxSaysPerSecond: number;
  /** Says a connection may send at once before `maxSaysPerSecond` applies. A connection that goes on a whole burst past the limit is closed. */
  sayBurst: number;
  /** Rooms one connection may be in at once; past it `TOO_MANY_ROOMS`. */
  maxRoomsPerConnection: number;
  /** Bytes of unsent output a connection (socket or websocket) may have; past it the connection is closed. */
  maxWriteBuffer: number;
  /**
   * Bytes of unsent output all the connections in rooms on this node may hold together; past it the
   * node closes those holding the most until it holds 90% of this. Default: a quarter of V8's heap
   * limit. Unsent output is not all in the heap (websocket frames are Buffers, a write under way is
   * copied out of it, and a room message waiting for many members is held once), but the heap limit
   * is the memory the operator gave the process.
   */
  maxNodeWriteBuffer: number;
  /** Requests of one connection under way at once; past it the server stops reading from the connection until some are answered. */
  maxPendingRequests: number;
  /** Messages a room may have waiting for its `say` middleware on one node; past it the room's messages are refused (`ROOM_BUSY`). */
  maxRoomQueue: number;
  /** Deepest nesting of a JSON request (objects and arrays), on every server; deeper is `INVALID_REQUEST`. */
  maxRequestDepth: number;
  /** Presence: `events` sends members `{context: "presence"}` when a presence key joins or leaves a room. */
  presence: { events: boolean };
  /**
   * Each room keeps its last `size` messages for `ttl` seconds after its last one, for
   * `api.chatRoom.history` and `roomAdd room since`; every message then has an `id`. `size` 0 is off.
   */
  history: { size: number; ttl: number };
  /**
   * Prometheus metrics of this node's chat, served on actionhero's web server at `path`. `registry` is
   * the application's own prom-client registry, so that its metrics and chat's are scraped together;
   * without one, chat keeps a registry of its own.
   */
  metrics: { enabled: boolean; path: string; registry?: Registry };
  /** `GET path` answers 200 while chat on this node is available, 503 with the reason while it is not. */
  health: { path: string };
  /**
   * The admin page, at `path` on actionhero's web server, for whoever sends `token` (as a bearer token,
   * or on the page's log-in form). No token: no page.
   */
  admin: { token: string | null; path: string };
  /** Use an in-memory Redis (ioredis-mock). Chat then works within one process only. */
  fake: boolean;
  /**
   * Redis for chat, when it should differ from the application's `config.redis`: either `client` (rooms
   * and members) and `subscriber` (messages), which may be different servers, or a `cluster`.
   */
  redis:
    | { client: RedisConnectionConfig; subscriber: RedisConnectionConfig }
    | { cluster: RedisClusterConfig }
    | null;
};

export const defaultChatConfig: ChatConfig = {
  keyPrefix: "ah-chat:",
  maxRoomNameLength: 256,
  maxMessageLength: 64 * 1024,
  rpcTimeout: 5000,
  nodeTimeout: 10000,
  maxSaysPerSecond: 100,
  sayBurst: 200,
  maxRoomsPerConnection: 100,
  maxWriteBuffer: 1024 * 1024,
  // The heap limit is fixed for the life of the process: read once.
  maxNodeWriteBuffer: Math.floor(getHeapStatistics().heap_size_limit / 4),
  maxPendingRequests: 32,
  maxRoomQueue: 1000,
  maxRequestDepth: 32,
  presence: { events: false },
  history: { size: 0, ttl: 300 },
  metrics: { enabled: true, path: "/api/chat/metrics" },
  health: { path: "/api/chat/health" },
  admin: { token: null, path: "/chat-admin" },
  fake: false,
  redis: null,
};

/** The chat config a host asked for, completed with the defaults; throws if it contradicts itself. */
export function resolveChatConfig(
  overrides: Partial<ChatConfig> = {},
): ChatConfig {
  const config = {
    ...defaultChatConfig,
    ...overrides,
    presence: { ...defaultChatConfig.presence, ...overrides.presence },
    history: { ...defaultChatConfig.history, ...overrides.history },
    metrics: { ...defaultChatConfig.metrics, ...overrides.metrics },
    health: { ...defaultChatConfig.health, ...overrides.health },
    admin: { ...defaultChatConfig.admin, ...overrides.admin },
  };
  const problem = redisConfigProblem(config);
  if (problem) throw new Error(`config.chat.redis: ${problem}`);
  return config;
}

function redisConfigProblem({ redis, fake }: ChatConfig): string | null {
  if (!redis || !("cluster" in redis)) return null;
  if ("client" in redis || "subscriber" in redis)
    return "`cluster` cannot be combined with `client` and `subscriber`: give one or the other";
  if (fake) return "`cluster` cannot be combined with `fake: true` (in memory)";
  if (!Array.isArray(redis.cluster.nodes) || redis.cluster.nodes.length === 0)
    return '`cluster.nodes` must list at least one server, as `[{ host, port }]` or `["host:port"]`';
  return null;
}
