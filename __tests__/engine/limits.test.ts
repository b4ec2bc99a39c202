import type { Redis } from "ioredis";
import {
  ChatTransports,
  sendMessageTransport,
  type ChatConnection,
} from "../../src";
import {
  silentObserver,
  type ClosedReason,
} from "../../src/observability/chatObserver";
import { startEngineNode, type EngineNode } from "../helpers/engineNode";
import { describeOnEachRedis } from "../helpers/redisBackends";
import type { TestConnection } from "../helpers/testConnection";
import { closingNotice } from "../helpers/closingNotice";

/** Whether the connection had been closed already when it was told why it is closed. */
function closedWhenTold(connection: TestConnection) {
  return new Promise<boolean>((resolve) => {
    const listener = (message: Record<string, unknown>) => {
      if (message.notice !== "connectionClosed") return;
      connection.off("message", listener);
      resolve(connection.destroyed);
    };
    connection.on("message", listener);
  });
}

describeOnEachRedis("limits", ({ newRedis }) => {
  let redis: Redis;
  const nodes: EngineNode[] = [];
  const start = async (...args: Parameters<typeof startEngineNode>) => {
    const node = await startEngineNode(...args);
    nodes.push(node);
    return node;
  };

  beforeEach(async () => {
    redis = await newRedis();
  });
  afterEach(async () => {
    await Promise.all(nodes.splice(0).map((node) => node.stop()));
  });

  test("a say past the connection's rate is refused with RATE_LIMITED, and a connection that goes on is closed", async () => {
    const node = await start(redis, "node-a", {
      maxSaysPerSecond: 1,
      sayBurst: 3,
    });
    await node.engine.add("lobby");
    const alice = node.connect("alice");
    const bob = node.connect("bob");
    await node.engine.addMember("alice", "lobby");
    await node.engine.addMember("bob", "lobby");
    for (const n of [1, 2, 3])
      await node.engine.broadcast(alice, "lobby", `hello ${n}`);
    await expect(
      node.engine.broadcast(alice, "lobby", "one too many"),
    ).rejects.toMatchObject({
      code: "RATE_LIMITED",
      message:
        'connection "alice" says more than 1 messages a second: slow down',
    });
    // Another connection has its own allowance, and server code (a mock sender) has none.
    await node.engine.broadcast(bob, "lobby", "bob is fine");
    await node.engine.broadcast({}, "lobby", "the server is fine");
    expect(alice.destroyed).toBe(false);
    for (let n = 0; n < 3; n++)
      await expect(
        node.engine.broadcast(alice, "lobby", "flood"),
      ).rejects.toMatchObject({ code: "RATE_LIMITED" });
    expect(alice.destroyed).toBe(true);
    expect(node.logs.join("\n")).toContain(
      'closing connection "alice": it went on saying far past 1 messages a second',
    );
    await bob.hears("lobby", "the server is fine");
    expect(bob.heard("lobby", "one too many")).toBe(false);
  });

  test("a connection may be in maxRoomsPerConnection rooms; one more is TOO_MANY_ROOMS", async () => {
    const node = await start(redis, "node-a", { maxRoomsPerConnection: 2 });
    for (const room of ["one", "two", "three"]) await node.engine.add(room);
    const alice = node.connect("alice");
    await node.engine.addMember("alice", "one");
    await node.engine.addMember("alice", "two");
    await expect(node.engine.addMember("alice", "three")).rejects.toMatchObject(
      {
        code: "TOO_MANY_ROOMS",
        message:
          'connection "alice" is in 2 rooms, the most one connection may be in',
      },
    );
    expect(alice.rooms).toEqual(["one", "two"]);
    expect((await node.engine.roomStatus("three")).membersCount).toBe(0);
    await node.engine.removeMember("alice", "one");
    expect(await node.engine.addMember("alice", "three")).toBe(true);
  });

  test("a room's messages waiting for slow say middleware are bounded: past maxRoomQueue they are refused here, and dropped arriving from elsewhere", async () => {
    const slow = await start(redis, "node-slow", { maxRoomQueue: 3 });
    const other = await start(redis, "node-other");
    await slow.engine.add("lobby");
    const alice = slow.connect("alice");
    const bob = other.connect("bob");
    await slow.engine.addMember("alice", "lobby");
    await other.engine.addMember("bob", "lobby");
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    slow.engine.addMiddleware({
      name: "slow",
      say: async () => {
        await released;
      },
    });

    // From elsewhere: the first 3 wait, the others are dropped here (bob, on the other node, hears all).
    for (let n = 1; n <= 6; n++)
      await other.engine.broadcast(bob, "lobby", `from b ${n}`);
    await bob.hears("lobby", "from b 6");
    await slow.logged('dropped a message to room "lobby"', 3);
    // Here: refused at once while the queue is full.
    await expect(
      slow.engine.broadcast(alice, "lobby", "from a"),
    ).rejects.toMatchObject({
      code: "ROOM_BUSY",
      message:
        'room "lobby" has 3 messages waiting for its say middleware on this node: try again shortly',
    });
    release();
    await alice.hears("lobby", "from b 3");
    await other.engine.broadcast(bob, "lobby", "after");
    await alice.hears("lobby", "after");
    expect(
      alice.messages.map(
        (message) => (message as { message: unknown }).message,
      ),
    ).toEqual(["from b 1", "from b 2", "from b 3", "after"]);
    expect(
      slow.logs.filter((line) =>
        line.startsWith('dropped a message to room "lobby"'),
      ),
    ).toHaveLength(3);
  });

  test("a member with more than maxWriteBuffer bytes unsent is not written to but told why (slow_reader), closed, counted and logged", async () => {
    const slow = new Set<string>();
    const transports = new ChatTransports();
    transports.register("test", {
      ...sendMessageTransport,
      unsentBytes: (connection: ChatConnection) =>
        slow.has(connection.id) ? 1025 : 0,
    });
    const closed: ClosedReason[] = [];
    let deliveries = 0;
    const node = await start(redis, "node-a", {
      transports,
      maxWriteBuffer: 1024,
      observer: {
        ...silentObserver,
        connectionClosed: (reason) => closed.push(reason),
        delivered: () => deliveries++,
      },
    });
    await node.engine.add("lobby");
    const alice = node.connect("alice");
    const bob = node.connect("bob");
    await node.engine.addMember("alice", "lobby");
    await node.engine.addMember("bob", "lobby");
    await node.engine.broadcast({}, "lobby", "read");
    await alice.hears("lobby", "read");

    slow.add("alice");
    const told = closedWhenTold(alice);
    await node.engine.broadcast({}, "lobby", "unread");
    await bob.hears("lobby", "unread");
    expect(await told).toBe(false);
    expect(alice.messages.at(-1)).toEqual(closingNotice("slow_reader"));
    expect(alice.destroyed).toBe(true);
    expect(alice.heard("lobby", "unread")).toBe(false);
    expect(closed).toEqual(["slow_reader"]);
    // "read" to both, "unread" to bob alone: what alice was not written is not a delivery.
    expect(deliveries).toBe(3);
    expect(node.logs).toContain(
      'closing test connection "alice": 1025 bytes wait for it, more than maxWriteBuffer',
    );
  });

  test("a connection that floods is told why (flood) before it is closed", async () => {
    const node = await start(redis, "node-a", {
      maxSaysPerSecond: 1,
      sayBurst: 3,
    });
    await node.engine.add("lobby");
    const alice = node.connect("alice");
    await node.engine.addMember("alice", "lobby");
    const told = closedWhenTold(alice);
    while (!alice.destroyed)
      await node.engine
        .broadcast(alice, "lobby", "flood")
        .catch(() => undefined);
    expect(await told).toBe(false);
    expect(
      alice.messages.filter((message) => message.notice === "connectionClosed"),
    ).toEqual([closingNotice("flood")]);
  });
});
