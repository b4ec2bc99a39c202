import type { Redis } from "ioredis";
import {
  newMemoryRedis,
  startEngineNode,
  type EngineNode,
} from "../helpers/engineNode";

describe("several nodes on one Redis", () => {
  let redis: Redis;
  let a: EngineNode;
  let b: EngineNode;

  beforeEach(async () => {
    redis = newMemoryRedis();
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

  test("addMember and removeMember work for a connection held by another node, with its middleware", async () => {
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

  test("addMember for a connection no node holds is an error once the nodes have had time to answer", async () => {
    await expect(a.engine.addMember("nobody", "lobby")).rejects.toThrow(
      'connection "nobody" is not connected to any node',
    );
  });

  test("removeMember of a member whose node died removes what is stored", async () => {
    // What a node that died without cleaning up leaves behind.
    await redis.hset(
      "test:members:lobby",
      "bob",
      JSON.stringify({ id: "bob", host: "dead-node", joinedAt: 1 }),
    );
    expect(await a.engine.removeMember("bob", "lobby")).toBe(true);
    expect((await a.engine.roomStatus("lobby")).membersCount).toBe(0);
    expect(a.logs.join("\n")).toContain(
      'removed member "bob" of room "lobby", whose node did not answer',
    );
  });

  test("destroy on one node removes the members of every node, and they are told", async () => {
    const alice = a.connect("alice");
    const bob = b.connect("bob");
    await a.engine.addMember("alice", "lobby");
    await b.engine.addMember("bob", "lobby");
    await a.engine.destroy("lobby");
    await bob.hears("lobby", 'room "lobby" was destroyed');
    expect(bob.rooms).toEqual([]);
    expect(alice.rooms).toEqual([]);
    expect(await b.engine.exists("lobby")).toBe(false);
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
