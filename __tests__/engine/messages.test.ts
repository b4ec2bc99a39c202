import type { Socket } from "net";
import Redis from "ioredis";
import { RoomMessage } from "../../src";
import { RedisServer } from "../helpers/redisServer";
import { countWrites } from "../helpers/socketWrites";
import { startEngineNode, type EngineNode } from "../helpers/engineNode";
import { describeOnEachRedis } from "../helpers/redisBackends";
import type { TestConnection } from "../helpers/testConnection";

describeOnEachRedis("messages", ({ newRedis }) => {
  let node: EngineNode;
  let alice: TestConnection;
  let bob: TestConnection;
  let carol: TestConnection;

  beforeEach(async () => {
    node = await startEngineNode(await newRedis(), "node-a");
    await node.engine.add("lobby");
    await node.engine.add("kitchen");
    alice = node.connect("alice");
    bob = node.connect("bob");
    carol = node.connect("carol");
    await node.engine.addMember("alice", "lobby");
    await node.engine.addMember("bob", "lobby");
    await node.engine.addMember("carol", "kitchen");
  });
  afterEach(() => node.stop());

  test("a member's message reaches every member of the room, itself included, with exactly the seed's keys", async () => {
    await node.engine.broadcast(alice, "lobby", "hello");
    const received = await bob.hears("lobby", "hello");
    expect(Object.keys(received).sort()).toEqual([
      "context",
      "from",
      "message",
      "room",
      "sentAt",
    ]);
    expect(received).toEqual({
      message: "hello",
      room: "lobby",
      from: "alice",
      context: "user",
      sentAt: expect.any(Number),
    });
    await alice.hears("lobby", "hello");
  });

  test("members of other rooms do not receive it", async () => {
    await node.engine.broadcast(alice, "lobby", "for the lobby");
    await node.engine.broadcast({}, "kitchen", "for the kitchen");
    await carol.hears("kitchen", "for the kitchen");
    await bob.hears("lobby", "for the lobby");
    expect(carol.heard("lobby", "for the lobby")).toBe(false);
    expect(bob.heard("kitchen", "for the kitchen")).toBe(false);
  });

  test("a mock sender may speak in any room; without an id it is sent as 0", async () => {
    await node.engine.broadcast({}, "lobby", "from the server");
    expect(await bob.hears("lobby", "from the server")).toMatchObject({
      from: "0",
    });
    await node.engine.broadcast(
      { id: "system", room: "kitchen" },
      "lobby",
      "announcement",
    );
    expect(await bob.hears("lobby", "announcement")).toMatchObject({
      from: "system",
    });
    await node.engine.broadcast(null, "lobby", "null sender");
    expect(await bob.hears("lobby", "null sender")).toMatchObject({
      from: "0",
    });
  });

  test("a real connection must be a member of the room it speaks in", async () => {
    await expect(
      node.engine.broadcast(carol, "lobby", "let me in"),
    ).rejects.toThrow('connection "carol" is not a member of room "lobby"');
  });

  test("messages may be any JSON value, kept as they are", async () => {
    const state = {
      board: [
        [1, 0],
        [0, 2],
      ],
      turn: "bob",
    };
    await node.engine.broadcast(alice, "lobby", state);
    expect((await bob.hears("lobby", state)).message).toEqual(state);
  });

  test("an empty message or one over the limit is refused and sends nothing", async () => {
    for (const empty of [undefined, null, ""]) {
      await expect(
        node.engine.broadcast(alice, "lobby", empty),
      ).rejects.toThrow('a message to room "lobby" is required');
    }
    await expect(
      node.engine.broadcast(alice, "lobby", "x".repeat(1001)),
    ).rejects.toThrow('message to room "lobby" is longer than 1000 characters');
    await expect(
      node.engine.broadcast(alice, "lobby", { text: "x".repeat(1000) }),
    ).rejects.toThrow("longer than 1000");
    await node.engine.broadcast(alice, "lobby", "x".repeat(1000));
    await bob.hears("lobby", "x".repeat(1000));
    expect(bob.messages).toHaveLength(1);
  });

  test("generateMessagePayload can be replaced by assignment", async () => {
    node.engine.generateMessagePayload = (envelope) => ({
      message: envelope.message,
      room: envelope.connection.room,
      from: envelope.connection.id,
      context: "user",
      sentAt: envelope.sentAt,
      node: envelope.serverId,
    });
    await node.engine.broadcast(alice, "lobby", "hello");
    expect(await bob.hears("lobby", "hello")).toMatchObject({ node: "node-a" });
  });

  test("one message is serialized once for all of a node's members", async () => {
    const delivered: RoomMessage[] = [];
    let allDelivered: () => void;
    const threeDelivered = new Promise<void>(
      (resolve) => (allDelivered = resolve),
    );
    const counting = await startEngineNode(await newRedis(), "node-c", {
      deliver: (_connection, message) => {
        if (delivered.push(message) === 3) allDelivered();
      },
    });
    await counting.engine.add("hall");
    const members = ["m1", "m2", "m3"].map((id) => counting.connect(id));
    for (const member of members)
      await counting.engine.addMember(member.id, "hall");
    await counting.engine.broadcast({}, "hall", "hello");
    await threeDelivered;
    expect(new Set(delivered).size).toBe(1);
    expect(JSON.parse(delivered[0].json)).toMatchObject({
      message: "hello",
      room: "hall",
    });
    await counting.stop();
  });
});

describe("messages, on a redis-server", () => {
  let server: RedisServer;
  let redis: Redis;
  let node: EngineNode;

  beforeAll(async () => {
    server = await RedisServer.start();
  });
  afterAll(() => server.stop());
  beforeEach(async () => {
    redis = new Redis({ host: "127.0.0.1", port: server.port });
    node = await startEngineNode(redis, "node-a");
    await node.engine.add("lobby");
  });
  afterEach(async () => {
    await node.stop();
    redis.disconnect();
  });

  test("the messages said in one turn reach Redis in one write, and each is delivered", async () => {
    const bob = node.connect("bob");
    await node.engine.addMember("bob", "lobby");
    const writes = countWrites(redis.stream as Socket);
    try {
      await Promise.all(
        Array.from({ length: 20 }, (_, n) =>
          node.engine.broadcast({}, "lobby", `message ${n}`),
        ),
      );
      expect(writes.count).toBe(1);
    } finally {
      writes.restore();
    }
    for (let n = 0; n < 20; n++) await bob.hears("lobby", `message ${n}`);
  });
});
