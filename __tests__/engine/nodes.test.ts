import type { Redis } from "ioredis";
import { startEngineNode, type EngineNode } from "../helpers/engineNode";
import { describeOnEachRedis } from "../helpers/redisBackends";

describeOnEachRedis("several nodes on one Redis", ({ newRedis }) => {
  let redis: Redis;
  let a: EngineNode;
  let b: EngineNode;

  beforeEach(async () => {
    redis = await newRedis();
    a = await startEngineNode(redis, "node-a");
    b = await startEngineNode(redis, "node-b");
    await a.engine.add("lobby");
  });
  afterEach(async () => {
    await a.stop();
    await b.stop();
  });

  test("a message from one node reaches members on the other", async () => {
    const alice = a.connect("alice");
    const bob = b.connect("bob");
    await a.engine.addMember("alice", "lobby");
    await b.engine.addMember("bob", "lobby");
    await a.engine.broadcast(alice, "lobby", "hello from a");
    await b.engine.broadcast(bob, "lobby", "hello from b");
    await bob.hears("lobby", "hello from a");
    await alice.hears("lobby", "hello from b");
    expect(await a.engine.roomStatus("lobby")).toEqual(
      await b.engine.roomStatus("lobby"),
    );
  });

  test("addMember and removeMember work for a connection held by another node, with its middleware; the member removed is told", async () => {
    const bob = b.connect("bob");
    const joins: string[] = [];
    b.engine.addMiddleware({
      name: "track",
      join: (connection, room) => void joins.push(`${connection.id}:${room}`),
    });

    expect(await a.engine.addMember("bob", "lobby")).toBe(true);
    expect(bob.rooms).toEqual(["lobby"]);
    expect(joins).toEqual(["bob:lobby"]);
    expect(await a.engine.addMember("bob", "lobby")).toBe(false);

    expect(await a.engine.removeMember("bob", "lobby")).toBe(true);
    expect(bob.rooms).toEqual([]);
    expect(await bob.hears("lobby", 'removed from room "lobby"')).toMatchObject(
      { from: "0", context: "user", notice: "memberRemoved" },
    );
    expect(await a.engine.removeMember("bob", "lobby")).toBe(false);
  });

  test("a remote join refused by middleware, or to a missing room, brings back that node's error", async () => {
    b.connect("bob");
    b.engine.addMiddleware({
      name: "refuse",
      join: () => {
        throw new Error("bob is busy");
      },
    });
    await expect(a.engine.addMember("bob", "lobby")).rejects.toThrow(
      "bob is busy",
    );
    b.engine.removeMiddleware("refuse");
    await expect(a.engine.addMember("bob", "nowhere")).rejects.toMatchObject({
      code: "ROOM_NOT_FOUND",
      message: 'room "nowhere" does not exist',
    });
  });

  test("addMember for a connection no node holds is an error as soon as every live node has said so", async () => {
    const patient = await startEngineNode(redis, "node-p", {
      rpcTimeout: 20_000,
    });
    const asked = Date.now();
    await expect(
      patient.engine.addMember("nobody", "lobby"),
    ).rejects.toMatchObject({
      code: "CONNECTION_NOT_FOUND",
      message: 'connection "nobody" is not connected to any node',
    });
    expect(Date.now() - asked).toBeLessThan(10_000);
    await patient.stop();
  });

  test("replies go to the asking node's inbox, never to the channel every node hears", async () => {
    const listener = redis.duplicate();
    const heard: string[] = [];
    listener.on("message", (_channel: string, json: string) =>
      heard.push(JSON.parse(json).type),
    );
    await listener.subscribe("test:control");
    b.connect("bob");
    expect(await a.engine.addMember("bob", "lobby")).toBe(true);
    expect(await a.engine.removeMember("bob", "lobby")).toBe(true);
    await listener.unsubscribe("test:control");
    listener.disconnect();
    expect(heard).toEqual(["addMember"]);
  });

  test("removeMember of a member whose node died reaps it: leave middleware gets a stand-in", async () => {
    // What a node that died without cleaning up leaves behind.
    const details = { id: "bob", host: "dead-node", joinedAt: 1 };
    await redis.hset("test:{lobby}:members", "bob", JSON.stringify(details));
    await redis.hset("test:{lobby}:holders", "bob", "dead-node#1");
    const left: unknown[] = [];
    a.engine.addMiddleware({
      name: "track",
      leave: (connection) => void left.push(connection),
    });
    expect(await a.engine.removeMember("bob", "lobby")).toBe(true);
    expect(await a.engine.removeMember("bob", "lobby")).toBe(false);
    expect((await a.engine.roomStatus("lobby")).membersCount).toBe(0);
    expect(left).toEqual([
      expect.objectContaining({
        id: "bob",
        reaped: true,
        memberDetails: details,
        rooms: [],
      }),
    ]);
  });

  test("destroy on one node resolves once every node has dropped its members, and they are told", async () => {
    const alice = a.connect("alice");
    const bob = b.connect("bob");
    await a.engine.addMember("alice", "lobby");
    await b.engine.addMember("bob", "lobby");
    await a.engine.destroy("lobby");
    expect(bob.rooms).toEqual([]);
    expect(alice.rooms).toEqual([]);
    expect(bob.heard("lobby", 'room "lobby" was destroyed')).toBe(true);
    expect(await b.engine.exists("lobby")).toBe(false);
  });

  test("a destroy notice about an earlier life of a room does not drop a member of the room created again", async () => {
    const bob = b.connect("bob");
    await b.engine.addMember("bob", "lobby");
    const firstLife = await redis.get("test:{lobby}:room");
    await a.engine.destroy("lobby");
    await a.engine.add("lobby");
    await b.engine.addMember("bob", "lobby");
    // The destroy of the first life, arriving late: bob is answered for, and stays.
    const inbox = redis.duplicate();
    const answered = new Promise((resolve) =>
      inbox.on("message", (_channel: string, json: string) => resolve(json)),
    );
    await inbox.subscribe("test:node:node-late:inbox");
    await redis.publish(
      `test:node:${b.engine.nodeId}:inbox`,
      JSON.stringify({
        serverToken: "test-token",
        from: "node-late",
        type: "dropDestroyed",
        requestId: "late",
        body: { room: "lobby", memberIds: ["bob"], generation: firstLife },
      }),
    );
    await answered;
    inbox.disconnect();
    expect(bob.rooms).toEqual(["lobby"]);
    expect(Object.keys((await a.engine.roomStatus("lobby")).members)).toEqual([
      "bob",
    ]);
  });

  test("control messages without the application's serverToken are ignored", async () => {
    const intruder = await startEngineNode(redis, "node-x", {
      serverToken: "another-app",
    });
    const bob = b.connect("bob");
    await expect(intruder.engine.addMember("bob", "lobby")).rejects.toThrow(
      'connection "bob" is not connected to any node',
    );
    expect(bob.rooms).toEqual([]);
    expect(b.logs.join("\n")).toContain(
      "ignored a control message without this application's serverToken",
    );
    await intruder.stop();
  });

  test("a malformed control message is ignored and the node keeps working", async () => {
    await redis.publish("test:control", "not json {");
    b.connect("bob");
    expect(await a.engine.addMember("bob", "lobby")).toBe(true);
    expect(b.logs.join("\n")).toContain(
      "ignored a control message that is not JSON",
    );
  });

  test("stopping a node takes its connections out of their rooms", async () => {
    b.connect("bob");
    a.connect("alice");
    await b.engine.addMember("bob", "lobby");
    await a.engine.addMember("alice", "lobby");
    await b.stop();
    b = await startEngineNode(redis, "node-b2");
    expect(Object.keys((await a.engine.roomStatus("lobby")).members)).toEqual([
      "alice",
    ]);
  });
});
