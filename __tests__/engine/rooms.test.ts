import { startEngineNode, type EngineNode } from "../helpers/engineNode";
import { describeOnEachRedis } from "../helpers/redisBackends";

describeOnEachRedis("rooms", ({ newRedis }) => {
  let node: EngineNode;

  beforeEach(async () => {
    node = await startEngineNode(await newRedis(), "node-a");
  });
  afterEach(() => node.stop());

  test("add returns 1 when it creates the room and 0 when it existed", async () => {
    expect(await node.engine.add("lobby")).toBe(1);
    expect(await node.engine.add("lobby")).toBe(0);
    expect(await node.engine.exists("lobby")).toBe(true);
    expect(await node.engine.exists("elsewhere")).toBe(false);
    expect(await node.engine.list()).toEqual(["lobby"]);
  });

  test("every method also takes a Node-style callback", async () => {
    const added = await new Promise((resolve, reject) =>
      node.engine.add("lobby", (error, result) =>
        error ? reject(error) : resolve(result),
      ),
    );
    expect(added).toBe(1);
    const found = await new Promise((resolve) =>
      node.engine.exists("lobby", (_error, result) => resolve(result)),
    );
    expect(found).toBe(true);
    const failure = await new Promise((resolve) =>
      node.engine.roomStatus("nowhere", (error) => resolve(error)),
    );
    expect(String(failure)).toContain('room "nowhere" does not exist');
  });

  test("a callback's failure does not also surface as an unhandled rejection", async () => {
    const unhandled = jest.fn();
    process.on("unhandledRejection", unhandled);
    const error = await new Promise<Error | null>((resolve) =>
      node.engine.destroy("nowhere", resolve),
    );
    await new Promise((resolve) => setImmediate(resolve));
    process.off("unhandledRejection", unhandled);
    expect(error?.message).toBe('room "nowhere" does not exist');
    expect(unhandled).not.toHaveBeenCalled();
  });

  test("roomStatus lists members as {id, joinedAt}; an unknown room is an error", async () => {
    await node.engine.add("lobby");
    const alice = node.connect("alice");
    const before = Date.now();
    await node.engine.addMember("alice", "lobby");
    const status = await node.engine.roomStatus("lobby");
    expect(status).toEqual({
      room: "lobby",
      membersCount: 1,
      members: { alice: { id: "alice", joinedAt: expect.any(Number) } },
    });
    expect(status.members.alice.joinedAt).toBeGreaterThanOrEqual(before);
    expect(alice.rooms).toEqual(["lobby"]);
    await expect(node.engine.roomStatus("nowhere")).rejects.toThrow(
      'room "nowhere" does not exist',
    );
  });

  test("destroy removes the room and its members, runs their leave middleware and tells them", async () => {
    await node.engine.add("lobby");
    const alice = node.connect("alice");
    await node.engine.addMember("alice", "lobby");
    const left: string[] = [];
    node.engine.addMiddleware({
      name: "track",
      leave: (connection, room) => void left.push(`${connection.id}:${room}`),
    });

    await node.engine.destroy("lobby");

    expect(await node.engine.exists("lobby")).toBe(false);
    expect(alice.rooms).toEqual([]);
    expect(left).toEqual(["alice:lobby"]);
    expect(
      await alice.hears("lobby", 'room "lobby" was destroyed'),
    ).toMatchObject({ from: "0", context: "user", notice: "roomDestroyed" });
    await node.engine.add("lobby");
    expect((await node.engine.roomStatus("lobby")).membersCount).toBe(0);
  });

  test("destroying a room that does not exist is an error", async () => {
    await expect(node.engine.destroy("nowhere")).rejects.toThrow(
      'room "nowhere" does not exist',
    );
  });

  test.each([
    ["a missing room name", undefined, "a room name is required"],
    ["an empty room name", "", "a room name is required"],
    [
      "a room name over the limit",
      "x".repeat(65),
      "is longer than 64 characters",
    ],
    [
      'a room name beginning with "}", whose keys could not share a slot',
      "}lobby",
      'room name "}lobby" may not begin with "}"',
    ],
  ])("%s is refused by every method", async (_case, room, error) => {
    const engine = node.engine;
    const name = room as string;
    for (const call of [
      () => engine.add(name),
      () => engine.exists(name),
      () => engine.destroy(name),
      () => engine.roomStatus(name),
      () => engine.addMember("alice", name),
      () => engine.removeMember("alice", name),
      () => engine.broadcast({}, name, "hello"),
    ]) {
      await expect(call()).rejects.toThrow(error);
    }
    expect(await engine.list()).toEqual([]);
  });

  test('"}" elsewhere in a room name is fine: all the room\'s keys share one hash tag', async () => {
    const redis = await newRedis();
    const braces = await startEngineNode(redis, "node-q");
    braces.connect("alice");
    expect(await braces.engine.add("a}b{c")).toBe(1);
    expect(await braces.engine.addMember("alice", "a}b{c")).toBe(true);
    expect(
      Object.keys((await braces.engine.roomStatus("a}b{c")).members),
    ).toEqual(["alice"]);
    await braces.stop();
  });

  test("keys live under the configured prefix", async () => {
    const redis = await newRedis();
    const prefixed = await startEngineNode(redis, "node-p", {
      keyPrefix: "app-one:",
    });
    await prefixed.engine.add("lobby");
    prefixed.connect("alice");
    await prefixed.engine.addMember("alice", "lobby");
    const node = prefixed.engine.nodeId;
    expect((await redis.keys("*")).sort()).toEqual(
      [
        "app-one:rooms",
        "app-one:nodes",
        `app-one:node:${node}`,
        `app-one:node:${node}:rooms`,
        "app-one:{lobby}:room",
        "app-one:{lobby}:members",
        "app-one:{lobby}:holders",
        "app-one:{lobby}:presence",
        "app-one:{lobby}:presenceKeys",
      ].sort(),
    );
    await prefixed.stop();
  });
});
