import type { RedisConnection } from "../../src/redisConnection";
import { ClusterNode } from "../helpers/clusterNode";
import { RedisCluster } from "../helpers/redisCluster";
import { RedisServer } from "../helpers/redisServer";
import { TestCluster } from "../helpers/testCluster";
import { WebsocketTestClient } from "../helpers/websocketClient";

describe.each([
  { chatOn: "one real Redis", redisCluster: false },
  { chatOn: "a Redis Cluster (3 masters, 3 replicas)", redisCluster: true },
])("three actionhero nodes with chat on $chatOn", ({ redisCluster }) => {
  let cluster: TestCluster;
  let redis: RedisConnection;
  let nodes: ClusterNode[];
  let clients: WebsocketTestClient[];
  let backend: RedisCluster | undefined;
  const [a, b, c] = [0, 1, 2];

  beforeAll(async () => {
    backend = redisCluster ? await RedisCluster.start() : undefined;
    cluster = await TestCluster.start(["node-a", "node-b", "node-c"], backend);
    ({ redis, nodes } = cluster);
    clients = await cluster.connectClients(3);
  }, 60_000);
  afterAll(async () => {
    await cluster?.stop();
    await backend?.stop();
  });

  // Each test has a room of its own: other nodes drop the members of a destroyed room when the
  // destroy notice reaches them, after destroy has returned on the node that destroyed it.
  let room: string;
  let tests = 0;
  beforeEach(async () => {
    room = `room-${++tests}`;
    await clients[a].action("chatAdd", { room });
  });
  afterEach(async () => {
    await clients[a].action("chatDestroy", { room });
  });

  const roomStatusOn = async (client: WebsocketTestClient, room: string) =>
    (await client.action("chatRoomStatus", { room })).result;

  test("each node logs that chat started and on which Redis", () => {
    for (const node of nodes) {
      expect(node.output).toContain(
        `[chat] ah-chat-plugin started: ${cluster.chatRedisDescription}`,
      );
      expect(node.output).not.toContain("chat is in memory");
    }
  });

  test("a say on one node reaches the members on the others, and roomStatus agrees everywhere", async () => {
    for (const client of clients)
      expect((await client.roomAdd(room)).data).toBe(true);
    await clients[a].say(room, "hello from a");
    await clients[c].say(room, "hello from c");
    for (const client of clients) {
      await client.hears(room, "hello from a");
      await client.hears(room, "hello from c");
    }
    const statuses = await Promise.all(
      clients.map((client) => roomStatusOn(client, room)),
    );
    expect(statuses[0].membersCount).toBe(3);
    expect(Object.keys(statuses[0].members).sort()).toEqual(
      clients.map((client) => client.id).sort(),
    );
    expect(statuses[1]).toEqual(statuses[0]);
    expect(statuses[2]).toEqual(statuses[0]);
    expect((await clients[b].roomView(room)).data).toEqual(statuses[0]);
  });

  test("only the nodes with members in a room subscribe to it", async () => {
    const subscribers = () =>
      cluster.subscribersOf(`ah-chat:{${room}}:messages`);
    expect(await subscribers()).toBe(0);
    await clients[a].roomAdd(room);
    expect(await subscribers()).toBe(1);
    await clients[b].roomAdd(room);
    expect(await subscribers()).toBe(2);
    await clients[a].roomLeave(room);
    expect(await subscribers()).toBe(1);
  });

  test("addMember and removeMember on one node work for a connection held by another", async () => {
    const bob = clients[b];
    expect(
      (
        await clients[a].action("chatAddMember", {
          connectionId: bob.id,
          room,
        })
      ).result,
    ).toBe(true);
    await clients[c].action("chatBroadcast", {
      room,
      message: "welcome bob",
    });
    await bob.hears(room, "welcome bob");
    expect(Object.keys((await roomStatusOn(clients[c], room)).members)).toEqual(
      [bob.id],
    );

    expect(
      (
        await clients[c].action("chatRemoveMember", {
          connectionId: bob.id,
          room,
        })
      ).result,
    ).toBe(true);
    expect((await roomStatusOn(clients[a], room)).membersCount).toBe(0);
    expect((await bob.roomView(room)).error).toContain("is not a member");
  });

  test("remote addMember brings back the other node's middleware refusal", async () => {
    await clients[a].action("chatAdd", { room: "private:club" });
    const refused = await clients[a].action("chatAddMember", {
      connectionId: clients[b].id,
      room: "private:club",
    });
    expect(refused.error).toContain(
      'room "private:club" needs you to log in first',
    );
    await clients[a].action("chatDestroy", { room: "private:club" });
  });

  test("addMember for a connection no node holds is a clear error", async () => {
    const response = await clients[a].action("chatAddMember", {
      connectionId: "no-such-connection",
      room,
    });
    expect(response.error).toContain(
      'connection "no-such-connection" is not connected to any node',
    );
  });

  test("destroy on one node removes the members held by every node, and they are told", async () => {
    // "doomed" is destroyed by the test itself, apart from the test's own room.
    await clients[a].action("chatAdd", { room: "doomed" });
    await clients[a].roomAdd("doomed");
    await clients[b].roomAdd("doomed");
    await clients[c].action("chatDestroy", { room: "doomed" });
    // destroy resolved: every node holding members has dropped them already.
    expect(
      (await clients[a].send({ event: "detailsView" })).data.rooms,
    ).toEqual([]);
    expect(
      (await clients[b].send({ event: "detailsView" })).data.rooms,
    ).toEqual([]);
    expect((await clients[a].roomView("doomed")).error).toContain(
      "is not a member",
    );
    await clients[a].hears("doomed", 'room "doomed" was destroyed');
    await clients[b].hears("doomed", 'room "doomed" was destroyed');
    expect(await redis.exists("ah-chat:{doomed}:members")).toBe(0);
    expect(await redis.sismember("ah-chat:rooms", "doomed")).toBe(0);
  });
});

describe("control messages from another application's nodes", () => {
  test("a node with another serverToken cannot move this application's members", async () => {
    const redisServer = await RedisServer.start();
    const [home, intruder] = await Promise.all([
      ClusterNode.start("home", redisServer.port),
      ClusterNode.start("intruder", redisServer.port, {
        SERVER_TOKEN: "another-application",
      }),
    ]);
    const member = await WebsocketTestClient.connect(home.url);
    const stranger = await WebsocketTestClient.connect(intruder.url);
    try {
      await stranger.action("chatAdd", { room: "lobby" });
      const response = await stranger.action("chatAddMember", {
        connectionId: member.id,
        room: "lobby",
      });
      expect(response.error).toContain(
        `connection "${member.id}" is not connected to any node`,
      );
      expect((await member.send({ event: "detailsView" })).data.rooms).toEqual(
        [],
      );
      expect(home.output).toContain(
        "ignored a control message without this application's serverToken",
      );
    } finally {
      member.disconnect();
      stranger.disconnect();
      await Promise.all([home.stop(), intruder.stop()]);
      await redisServer.stop();
    }
  });
});
