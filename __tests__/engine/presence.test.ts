import type { Redis } from "ioredis";
import type { MemberDetails } from "../../src/types";
import { startEngineNode, type EngineNode } from "../helpers/engineNode";
import { describeOnEachRedis } from "../helpers/redisBackends";
import type { TestConnection } from "../helpers/testConnection";

/** Presence events a connection received, as "event key". */
function presenceEvents(connection: TestConnection) {
  return connection.messages
    .filter((message) => message.context === "presence")
    .map((message) => `${message.event} ${message.key}`);
}

describeOnEachRedis("presence", ({ newRedis }) => {
  let redis: Redis;
  let a: EngineNode;
  let b: EngineNode;

  beforeEach(async () => {
    redis = await newRedis();
    a = await startEngineNode(redis, "node-a", {
      presenceEvents: true,
      nodeTimeout: 600,
    });
    b = await startEngineNode(redis, "node-b", {
      presenceEvents: true,
      nodeTimeout: 600,
    });
    // Two tabs of one user are one presence: the key is the user's name.
    for (const node of [a, b]) {
      node.engine.generateMemberDetails = (connection) => ({
        id: connection.id,
        joinedAt: Date.now(),
        user: connection.id.split("-")[0],
      });
      node.engine.presenceKey = (details: MemberDetails) =>
        String(details.user);
      node.engine.sanitizeMemberDetails = (details) => ({ user: details.user });
    }
    await a.engine.add("lobby");
  });
  afterEach(async () => {
    await a.stop();
    await b.stop();
  });

  test("by default the presence key is the connection id and no event is sent", async () => {
    const plain = await startEngineNode(redis, "node-plain");
    const carol = plain.connect("carol");
    await plain.engine.addMember("carol", "lobby");
    expect(await plain.engine.presence("lobby")).toEqual({
      room: "lobby",
      count: 1,
      members: {
        carol: { key: "carol", connections: 1, joinedAt: expect.any(Number) },
      },
    });
    await plain.engine.broadcast(carol, "lobby", "after");
    await carol.hears("lobby", "after");
    expect(presenceEvents(carol)).toEqual([]);
    await plain.stop();
  });

  test("two tabs of one user on two nodes are one presence: one join, one leave, whatever the order", async () => {
    const watcher = a.connect("watcher-1");
    await a.engine.addMember("watcher-1", "lobby");
    a.connect("ann-1");
    b.connect("ann-2");
    // Both tabs join at once, on different nodes.
    await Promise.all([
      a.engine.addMember("ann-1", "lobby"),
      b.engine.addMember("ann-2", "lobby"),
    ]);
    const status = await a.engine.presence("lobby");
    expect(status).toEqual(await b.engine.presence("lobby"));
    expect(status).toEqual({
      room: "lobby",
      count: 2,
      members: {
        watcher: { key: "watcher", connections: 1, user: "watcher" },
        ann: { key: "ann", connections: 2, user: "ann" },
      },
    });
    // Both leave at once.
    await Promise.all([
      a.engine.removeMember("ann-1", "lobby"),
      b.engine.removeMember("ann-2", "lobby"),
    ]);
    await watcher.waitFor(
      (message) => message.context === "presence" && message.event === "leave",
    );
    // A message sent after the leaves arrives after any presence event they caused.
    await a.engine.broadcast({}, "lobby", "fence");
    await watcher.hears("lobby", "fence");
    expect(presenceEvents(watcher)).toEqual([
      "join watcher",
      "join ann",
      "leave ann",
    ]);
    const [join] = watcher.messages.filter(
      (message) => message.context === "presence" && message.key === "ann",
    );
    expect(join).toEqual({
      context: "presence",
      event: "join",
      room: "lobby",
      key: "ann",
      member: { user: "ann" },
      sentAt: expect.any(Number),
    });
    expect((await a.engine.presence("lobby")).count).toBe(1);
  });

  test("a user's last tab closing is a leave; an earlier one is not", async () => {
    const watcher = a.connect("watcher-1");
    await a.engine.addMember("watcher-1", "lobby");
    const tab1 = a.connect("bob-1");
    const tab2 = b.connect("bob-2");
    await a.engine.addMember("bob-1", "lobby");
    await b.engine.addMember("bob-2", "lobby");
    await a.disconnect(tab1);
    await a.engine.broadcast({}, "lobby", "one tab left");
    await watcher.hears("lobby", "one tab left");
    expect(presenceEvents(watcher)).toEqual(["join watcher", "join bob"]);
    await b.disconnect(tab2);
    await watcher.waitFor(
      (message) => message.context === "presence" && message.event === "leave",
    );
    expect(presenceEvents(watcher)).toEqual([
      "join watcher",
      "join bob",
      "leave bob",
    ]);
  });

  test("the members of a dead node leave the presence, announced once by the survivors", async () => {
    const watcher = a.connect("watcher-1");
    await a.engine.addMember("watcher-1", "lobby");
    // What a node that died left: two tabs of dora, and its liveness about to expire.
    const dead = "crashed#1";
    await redis.sadd("test:nodes", dead);
    await redis.set(`test:node:${dead}`, "", "PX", 100);
    await redis.sadd(`test:node:${dead}:rooms`, "lobby");
    for (const id of ["dora-1", "dora-2"]) {
      await redis.hset(
        "test:{lobby}:members",
        id,
        JSON.stringify({ id, user: "dora" }),
      );
      await redis.hset("test:{lobby}:holders", id, dead);
      await redis.hset("test:{lobby}:presenceKeys", id, "dora");
      await redis.hincrby("test:{lobby}:presence", "dora", 1);
    }
    expect((await a.engine.presence("lobby")).members.dora.connections).toBe(2);
    await watcher.waitFor(
      (message) => message.context === "presence" && message.key === "dora",
    );
    await a.engine.broadcast({}, "lobby", "after the reaping");
    await watcher.hears("lobby", "after the reaping");
    expect(presenceEvents(watcher)).toEqual(["join watcher", "leave dora"]);
    expect(await a.engine.presence("lobby")).toEqual({
      room: "lobby",
      count: 1,
      members: { watcher: { key: "watcher", connections: 1, user: "watcher" } },
    });
  });

  test("a member written back by a node that was taken for dead, after the others reaped it, joins again", async () => {
    const watcher = b.connect("watcher-1");
    await b.engine.addMember("watcher-1", "lobby");
    a.connect("gus-1");
    await a.engine.addMember("gus-1", "lobby");
    await watcher.waitFor((message) => message.key === "gus");
    // What a survivor does to a node it takes for dead: its liveness is gone, its members reaped.
    await redis.del(`test:node:${a.engine.nodeId}`);
    await redis.ahChatReap(
      "test:{lobby}:members",
      "test:{lobby}:holders",
      "test:{lobby}:presence",
      "test:{lobby}:presenceKeys",
      a.engine.nodeId,
    );
    expect((await b.engine.presence("lobby")).members.gus).toBeUndefined();
    // Node a notices at its next refresh, writes gus back, and the room hears that gus is here.
    await watcher.waitFor(
      (message) =>
        message.context === "presence" &&
        message.key === "gus" &&
        presenceEvents(watcher).filter((event) => event === "join gus")
          .length === 2,
    );
    expect((await b.engine.presence("lobby")).members.gus.connections).toBe(1);
  });

  test("presence of an unknown room is an error; of a destroyed room too", async () => {
    await expect(a.engine.presence("nowhere")).rejects.toThrow(
      'room "nowhere" does not exist',
    );
    a.connect("eve-1");
    await a.engine.addMember("eve-1", "lobby");
    await a.engine.destroy("lobby");
    await expect(a.engine.presence("lobby")).rejects.toThrow("does not exist");
    expect(
      await redis.exists("test:{lobby}:presence", "test:{lobby}:presenceKeys"),
    ).toBe(0);
  });

  test("say middleware does not run for presence events", async () => {
    const seen: string[] = [];
    a.engine.addMiddleware({
      name: "count says",
      say: (_connection, _room, payload) => {
        seen.push(String(payload.context));
        return payload;
      },
    });
    const watcher = a.connect("watcher-1");
    await a.engine.addMember("watcher-1", "lobby");
    a.connect("fay-1");
    await a.engine.addMember("fay-1", "lobby");
    await watcher.waitFor((message) => message.key === "fay");
    await a.engine.broadcast({}, "lobby", "hello");
    await watcher.hears("lobby", "hello");
    expect(seen).toEqual(["user", "user"]);
  });
});
