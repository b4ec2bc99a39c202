import type { RedisConnection } from "../../src/redisConnection";
import { TestCluster } from "../helpers/testCluster";
import type { WebsocketTestClient } from "../helpers/websocketClient";

const connectionCount = 200;

describe(`${connectionCount} connections on three nodes joining and leaving one room at once`, () => {
  let cluster: TestCluster;
  let redis: RedisConnection;
  let clients: WebsocketTestClient[];

  beforeAll(async () => {
    cluster = await TestCluster.start(["node-a", "node-b", "node-c"]);
    redis = cluster.redis;
    clients = await cluster.connectClients(connectionCount);
  });
  afterAll(() => cluster?.stop());

  /** The connections that say they are in the room, by asking each one. */
  const connectionsInRoom = async (room: string) => {
    const details = await Promise.all(
      clients.map((client) => client.send({ event: "detailsView" })),
    );
    return clients
      .filter((_, n) => details[n].data.rooms.includes(room))
      .map((client) => client.id);
  };
  const storedMembers = async (room: string) =>
    (await redis.hkeys(`ah-chat:{${room}}:members`)).sort();
  const roomStatusOnEveryNode = (room: string) =>
    Promise.all(
      [0, 1, 2].map(async (n) =>
        Object.keys(
          (await clients[n].action("chatRoomStatus", { room })).result.members,
        ).sort(),
      ),
    );

  test("afterwards the stored members are exactly the connections in the room, on every node", async () => {
    await clients[0].action("chatAdd", { room: "arena" });
    // Every connection joins; every other one leaves again at once, without waiting for its join's answer.
    await Promise.all(
      clients.flatMap((client, n) =>
        n % 2 === 0
          ? [client.roomAdd("arena"), client.roomLeave("arena")]
          : [client.roomAdd("arena")],
      ),
    );
    const stayed = clients
      .filter((_, n) => n % 2 === 1)
      .map((client) => client.id)
      .sort();
    expect(await storedMembers("arena")).toEqual(stayed);
    expect((await connectionsInRoom("arena")).sort()).toEqual(stayed);
    for (const members of await roomStatusOnEveryNode("arena"))
      expect(members).toEqual(stayed);
  });

  test("a destroy in the middle of the joins leaves no ghost and loses no member", async () => {
    await clients[0].action("chatAdd", { room: "melee" });
    const joins = clients.map((client) => client.roomAdd("melee"));
    const destroyed = clients[1].action("chatDestroy", { room: "melee" });
    const recreated = destroyed.then(() =>
      clients[2].action("chatAdd", { room: "melee" }),
    );
    const lateJoins = clients
      .slice(0, 50)
      .map((client) => recreated.then(() => client.roomAdd("melee")));
    await Promise.all([...joins, destroyed, recreated, ...lateJoins]);

    const inRoom = (await connectionsInRoom("melee")).sort();
    expect(inRoom.length).toBeGreaterThanOrEqual(50);
    expect(await storedMembers("melee")).toEqual(inRoom);
    for (const members of await roomStatusOnEveryNode("melee"))
      expect(members).toEqual(inRoom);
  });
});
