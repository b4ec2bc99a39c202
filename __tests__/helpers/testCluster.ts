import type { RedisConnection } from "../../src/redisConnection";
import { ClusterNode } from "./clusterNode";
import type { RedisCluster } from "./redisCluster";
import { RedisServer } from "./redisServer";
import { WebsocketTestClient } from "./websocketClient";

/**
 * A redis-server of the test's own, actionhero nodes on it, and websocket clients spread over the
 * nodes. Given a Redis Cluster, chat is on the cluster (the application's own Redis stays on the server).
 */
export class TestCluster {
  clients: WebsocketTestClient[] = [];

  private constructor(
    readonly redisServer: RedisServer,
    /** Where chat keeps its rooms: the server, or the cluster. */
    readonly redis: RedisConnection,
    readonly nodes: ClusterNode[],
    readonly redisCluster?: RedisCluster,
  ) {}

  static async start(
    titles: string[],
    redisCluster?: RedisCluster,
    env: Record<string, string> = {},
  ) {
    const redisServer = await RedisServer.start();
    const nodeEnv = redisCluster
      ? { ...env, CHAT_CLUSTER: redisCluster.seeds }
      : env;
    const nodes = await Promise.all(
      titles.map((title) =>
        ClusterNode.start(title, redisServer.port, nodeEnv),
      ),
    );
    return new TestCluster(
      redisServer,
      redisCluster ? redisCluster.client() : redisServer.client(),
      nodes,
      redisCluster,
    );
  }

  /** What the nodes log of where chat is. */
  get chatRedisDescription() {
    if (this.redisCluster)
      return `rooms in redis cluster ${this.redisCluster.seeds}, messages through redis cluster ${this.redisCluster.seeds} (sharded pub/sub)`;
    const { port } = this.redisServer;
    return `rooms in redis 127.0.0.1:${port} db 0, messages through redis 127.0.0.1:${port} db 0`;
  }

  /** How many nodes subscribe to a channel (sharded on a cluster). */
  async subscribersOf(channel: string): Promise<number> {
    const [, count] = this.redisCluster
      ? await this.redisCluster.shardSubscribers(channel)
      : ((await this.redis.pubsub("NUMSUB", channel)) as [string, number]);
    return Number(count);
  }

  /** Connects this many clients, the first to the first node, the next to the next, and round again. */
  async connectClients(count: number) {
    this.clients = await Promise.all(
      Array.from({ length: count }, (_, n) =>
        WebsocketTestClient.connect(this.nodes[n % this.nodes.length].url),
      ),
    );
    return this.clients;
  }

  async stop() {
    this.clients.forEach((client) => client.disconnect());
    await Promise.all(this.nodes.map((node) => node.stop()));
    this.redis.disconnect();
    await this.redisServer.stop();
  }
}
