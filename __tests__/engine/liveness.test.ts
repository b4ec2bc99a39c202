import type { Redis } from "ioredis";
import type { ReapedConnection } from "../../src/types";
import { startEngineNode, type EngineNode } from "../helpers/engineNode";
import { describeOnEachRedis } from "../helpers/redisBackends";

describeOnEachRedis("node liveness and reaping", ({ newRedis }) => {
  let redis: Redis;
  let a: EngineNode;
  let b: EngineNode;
  let reaped: string[];
  let standIns: ReapedConnection[];
  let onReaped: () => void;

  beforeEach(async () => {
    redis = await newRedis();
    a = await startEngineNode(redis, "node-a", { nodeTimeout: 600 });
    b = await startEngineNode(redis, "node-b", { nodeTimeout: 600 });
    await a.engine.add("lobby");
    await a.engine.add("kitchen");
    reaped = [];
    standIns = [];
    onReaped = () => undefined;
    for (const node of [a, b]) {
      node.engine.addMiddleware({
        name: "record reaped leaves",
        leave: (connection, room) => {
          if (!("reaped" in connection)) return;
          standIns.push(connection);
          reaped.push(
            `${connection.id}@${room}:${connection.memberDetails.name}`,
          );
          onReaped();
        },
      });
    }
  });
  afterEach(async () => {
    await a.stop();
    await b.stop();
  });

  function reapedCount(count: number) {
    return new Promise<void>((resolve) => {
      onReaped = () => reaped.length >= count && resolve();
      onReaped();
    });
  }

  /** What a node that died leaves behind: members, the rooms it noted, its registration, and a liveness key that expires in `ttl` ms. */
  async function leftByDeadNode(
    nodeId: string,
    rooms: Record<string, string[]>,
    ttl: number,
    detailsOf = (id: string): Record<string, unknown> => ({
      id,
      name: `name of ${id}`,
    }),
  ) {
    await redis.sadd("test:nodes", nodeId);
    await redis.set(`test:node:${nodeId}`, "", "PX", ttl);
    for (const [room, ids] of Object.entries(rooms)) {
      await redis.sadd(`test:node:${nodeId}:rooms`, room);
      for (const id of ids) {
        await redis.hset(
          `test:{${room}}:members`,
          id,
          JSON.stringify(detailsOf(id)),
        );
        await redis.hset(`test:{${room}}:holders`, id, nodeId);
      }
    }
  }

  test("the survivors reap every member of a dead node exactly once, running leave middleware with a stand-in", async () => {
    a.connect("alice");
    await a.engine.addMember("alice", "lobby");
    await leftByDeadNode(
      "crashed#1",
      { lobby: ["ghost1", "ghost2"], kitchen: ["ghost3"] },
      100,
    );
    await reapedCount(3);
    expect(reaped.sort()).toEqual([
      "ghost1@lobby:name of ghost1",
      "ghost2@lobby:name of ghost2",
      "ghost3@kitchen:name of ghost3",
    ]);
    expect(Object.keys((await b.engine.roomStatus("lobby")).members)).toEqual([
      "alice",
    ]);
    expect((await b.engine.roomStatus("kitchen")).membersCount).toBe(0);
    expect(await redis.sismember("test:nodes", "crashed#1")).toBe(0);
    expect(await redis.exists("test:node:crashed#1:rooms")).toBe(0);
    // Both survivors swept; neither reaped anything twice.
    await a.engine.add("after");
    expect(reaped).toHaveLength(3);
  });

  test("a reaped member's stand-in has the session and params that generateMemberDetails stored, and none it did not store", async () => {
    await leftByDeadNode(
      "crashed#3",
      { lobby: ["stored", "unstored"] },
      100,
      (id) =>
        id === "stored"
          ? { id, session: { name: "Ada" }, params: { via: "web" } }
          : { id },
    );
    await reapedCount(2);
    const standInOf = (id: string) =>
      standIns.find((standIn) => standIn.id === id);
    expect(standInOf("stored")).toMatchObject({
      session: { name: "Ada" },
      params: { via: "web" },
    });
    expect(standInOf("unstored")).toMatchObject({
      session: undefined,
      params: undefined,
    });
  });

  test("a live node keeps its members well past nodeTimeout: it refreshes its liveness", async () => {
    const alice = a.connect("alice");
    await a.engine.addMember("alice", "lobby");
    // Reaped only after twice nodeTimeout, by which time node a would have been taken for dead had it not refreshed.
    await leftByDeadNode("crashed#2", { lobby: ["ghost"] }, 1200);
    await reapedCount(1);
    expect(reaped).toEqual(["ghost@lobby:name of ghost"]);
    expect(alice.rooms).toEqual(["lobby"]);
    expect(Object.keys((await b.engine.roomStatus("lobby")).members)).toEqual([
      "alice",
    ]);
    expect(await redis.exists(`test:node:${a.engine.nodeId}`)).toBe(1);
  });

  test("a node taken for dead while it lives writes its members back", async () => {
    const alice = a.connect("alice");
    await a.engine.addMember("alice", "lobby");
    await a.engine.addMember("alice", "kitchen");
    await redis.del(`test:node:${a.engine.nodeId}`);
    await a.logged("this node's liveness had expired");
    expect(alice.rooms.sort()).toEqual(["kitchen", "lobby"]);
    for (const room of ["lobby", "kitchen"])
      expect(Object.keys((await b.engine.roomStatus(room)).members)).toEqual([
        "alice",
      ]);
  });

  test("a node taken for dead does not bring back a room destroyed meanwhile: its members there are dropped and told", async () => {
    const alice = a.connect("alice");
    await a.engine.addMember("alice", "lobby");
    await a.engine.addMember("alice", "kitchen");
    // The kitchen was destroyed by a node whose word never reached node a, which was taken for dead.
    await redis.del(
      "test:{kitchen}:room",
      "test:{kitchen}:members",
      "test:{kitchen}:holders",
    );
    await redis.del(`test:node:${a.engine.nodeId}`);
    await alice.hears("kitchen", 'room "kitchen" was destroyed');
    expect(alice.rooms).toEqual(["lobby"]);
    expect(await b.engine.exists("kitchen")).toBe(false);
    expect(Object.keys((await b.engine.roomStatus("lobby")).members)).toEqual([
      "alice",
    ]);
  });

  test("a node's identity is new at every start, so a restarted node is never taken for the one before it", async () => {
    const again = await startEngineNode(redis, "node-a", { nodeTimeout: 600 });
    expect(again.engine.nodeId).not.toBe(a.engine.nodeId);
    expect(again.engine.nodeId.startsWith("node-a#")).toBe(true);
    await again.stop();
  });
});
