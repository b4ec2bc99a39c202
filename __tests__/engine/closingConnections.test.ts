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

const closingNotice = (reason: ClosedReason) => ({
  message: expect.any(String),
  from: "0",
  context: "api",
  sentAt: expect.any(Number),
  notice: "connectionClosed",
  reason,
});

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

describeOnEachRedis("connections the engine closes", ({ newRedis }) => {
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

  test("a member with more than maxWriteBuffer bytes unsent is not written to but told why (slow_reader), closed, counted and logged", async () => {
    const slow = new Set<string>();
    const transports = new ChatTransports();
    transports.register("test", {
      ...sendMessageTransport,
      unsentBytes: (connection: ChatConnection) =>
        slow.has(connection.id) ? 1025 : 0,
    });
    const closed: ClosedReason[] = [];
    const node = await start(redis, "node-a", {
      transports,
      maxWriteBuffer: 1024,
      observer: {
        ...silentObserver,
        connectionClosed: (reason) => closed.push(reason),
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
