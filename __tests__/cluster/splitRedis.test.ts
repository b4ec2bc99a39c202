import type { Redis } from "ioredis";
import { ClusterNode } from "../helpers/clusterNode";
import { RedisServer } from "../helpers/redisServer";
import { WebsocketTestClient } from "../helpers/websocketClient";

describe("rooms on one Redis server and messages through another", () => {
  let appRedis: RedisServer;
  let storeRedis: RedisServer;
  let pubSubRedis: RedisServer;
  let nodes: ClusterNode[];
  let clients: WebsocketTestClient[];
  let store: Redis;
  let pubSub: Redis;

  beforeAll(async () => {
    [appRedis, storeRedis, pubSubRedis] = await Promise.all([
      RedisServer.start(),
      RedisServer.start(),
      RedisServer.start(),
    ]);
    const chatRedis = {
      CHAT_STORE_PORT: String(storeRedis.port),
      CHAT_PUBSUB_PORT: String(pubSubRedis.port),
    };
    nodes = await Promise.all(
      ["node-a", "node-b"].map((title) =>
        ClusterNode.start(title, appRedis.port, chatRedis),
      ),
    );
    clients = await Promise.all(
      nodes.map((node) => WebsocketTestClient.connect(node.url)),
    );
    store = storeRedis.client();
    pubSub = pubSubRedis.client();
  });
  afterAll(async () => {
    clients?.forEach((client) => client.disconnect());
    await Promise.all((nodes ?? []).map((node) => node.stop()));
    store?.disconnect();
    pubSub?.disconnect();
    await Promise.all(
      [appRedis, storeRedis, pubSubRedis].map((server) => server?.stop()),
    );
  });

  test("the nodes chat as one, with rooms and members in the store and messages through the pub/sub server", async () => {
    expect(nodes[0].output).toContain(
      `rooms in redis 127.0.0.1:${storeRedis.port} db 0, messages through redis 127.0.0.1:${pubSubRedis.port} db 0`,
    );
    await clients[0].action("chatAdd", { room: "lobby" });
    await clients[0].roomAdd("lobby");
    await clients[1].roomAdd("lobby");
    await clients[1].say("lobby", "across two servers");
    await clients[0].hears("lobby", "across two servers");

    expect((await store.hkeys("ah-chat:{lobby}:members")).sort()).toEqual(
      clients.map((client) => client.id).sort(),
    );
    expect(await pubSub.keys("ah-chat:*")).toEqual([]);
    const app = appRedis.client();
    expect(await app.keys("ah-chat:*")).toEqual([]);
    app.disconnect();
    expect(
      (
        (await pubSub.pubsub("NUMSUB", "ah-chat:{lobby}:messages")) as [
          string,
          number,
        ]
      )[1],
    ).toBe(2);
  });
});
