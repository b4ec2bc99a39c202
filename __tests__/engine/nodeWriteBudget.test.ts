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
import { closingNotice } from "../helpers/closingNotice";
import { startEngineNode, type EngineNode } from "../helpers/engineNode";
import { describeOnEachRedis } from "../helpers/redisBackends";
import type { TestConnection } from "../helpers/testConnection";

describeOnEachRedis("the node's output budget", ({ newRedis }) => {
  let redis: Redis;
  let node: EngineNode;
  /** What each test connection holds unsent, as its transport tells the node. */
  const unsent = new Map<string, number>();
  const closed: ClosedReason[] = [];
  /** The connections in the order they were closed. */
  const closedIds: string[] = [];

  beforeEach(async () => {
    redis = await newRedis();
    unsent.clear();
    closed.length = 0;
    closedIds.length = 0;
    const transports = new ChatTransports();
    transports.register("test", {
      ...sendMessageTransport,
      unsentBytes: (connection: ChatConnection) =>
        unsent.get(connection.id) ?? 0,
    });
    node = await startEngineNode(redis, "node-a", {
      transports,
      maxWriteBuffer: 1024,
      maxNodeWriteBuffer: 1000,
      observer: {
        ...silentObserver,
        connectionClosed: (reason) => closed.push(reason),
      },
    });
    await node.engine.add("lobby");
  });
  afterEach(() => node.stop());

  async function join(...ids: string[]) {
    const members: TestConnection[] = [];
    for (const id of ids) {
      const connection = node.connect(id);
      connection.once("destroyed", () => closedIds.push(id));
      await node.engine.addMember(id, "lobby");
      members.push(connection);
    }
    return members;
  }

  test("members each under maxWriteBuffer but together over maxNodeWriteBuffer: the ones holding most are told why and closed first, counted and logged, until the node is back under; the others still receive", async () => {
    const [reader, light, middling, heavy, heaviest] = await join(
      "reader",
      "light",
      "middling",
      "heavy",
      "heaviest",
    );
    await node.engine.broadcast({}, "lobby", "read");
    await reader.hears("lobby", "read");

    // 1450 bytes together, past the 1000 of the budget; 500 of them must go to be under 90% of it.
    unsent.set("light", 100);
    unsent.set("middling", 400);
    unsent.set("heavy", 450);
    unsent.set("heaviest", 500);
    await node.engine.broadcast({}, "lobby", "unread");
    await reader.hears("lobby", "unread");
    await node.logged("cut 2 connections");

    expect(closedIds).toEqual(["heaviest", "heavy"]);
    for (const cut of [heavy, heaviest]) {
      expect(cut.destroyed).toBe(true);
      expect(cut.messages.at(-1)).toEqual(closingNotice("node_write_budget"));
    }
    expect(closed).toEqual(["node_write_budget", "node_write_budget"]);
    expect(node.logs).toContain(
      "cut 2 connections holding 950 bytes unsent: the node held 1450, more than maxNodeWriteBuffer (1000); it now holds 500",
    );
    for (const kept of [light, middling]) {
      expect(kept.destroyed).toBe(false);
      expect(kept.heard("lobby", "unread")).toBe(true);
    }

    // Back under the budget, with what the others hold: the next message cuts nobody.
    await node.engine.broadcast({}, "lobby", "after");
    for (const kept of [reader, light, middling])
      await kept.hears("lobby", "after");
    expect(heaviest.heard("lobby", "after")).toBe(false);
    expect(closed).toHaveLength(2);
  });

  test("what a connection that left held is not counted against the others: nothing is cut for bytes no one holds", async () => {
    const [gone, stays] = await join("gone", "stays");
    unsent.set("gone", 900);
    await node.engine.broadcast({}, "lobby", "one");
    await gone.hears("lobby", "one");
    await node.disconnect(gone);

    unsent.set("stays", 300);
    await node.engine.broadcast({}, "lobby", "two");
    await stays.hears("lobby", "two");
    expect(stays.destroyed).toBe(false);
    expect(closed).toEqual([]);
    expect(node.logs.join("\n")).not.toContain("maxNodeWriteBuffer");
  });

  test("a member past maxWriteBuffer is closed as a slow reader, whatever the node holds", async () => {
    const [slow, reader] = await join("slow", "reader");
    unsent.set("slow", 1100);
    unsent.set("reader", 100);
    await node.engine.broadcast({}, "lobby", "one");
    await reader.hears("lobby", "one");
    expect(slow.messages.at(-1)).toEqual(closingNotice("slow_reader"));
    expect(closed).toEqual(["slow_reader"]);
    expect(reader.destroyed).toBe(false);
  });
});
