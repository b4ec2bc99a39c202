import type { Redis } from "ioredis";
import { ClusterNode } from "./clusterNode";
import { RedisServer } from "./redisServer";
import { WebsocketTestClient } from "./websocketClient";

/** A redis-server of the test's own, actionhero nodes on it, and websocket clients spread over the nodes. */
export class TestCluster {
  clients: WebsocketTestClient[] = [];

  private constructor(
    readonly redisServer: RedisServer,
    readonly redis: Redis,
    readonly nodes: ClusterNode[],
  ) {}

  static async start(titles: string[]) {
    const redisServer = await RedisServer.start();
    const nodes = await Promise.all(
      titles.map((title) => ClusterNode.start(title, redisServer.port)),
    );
    return new TestCluster(redisServer, redisServer.client(), nodes);
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
