import { startEngineNode, type EngineNode } from "../helpers/engineNode";
import { describeOnEachRedis } from "../helpers/redisBackends";

describeOnEachRedis("members", ({ newRedis }) => {
  let node: EngineNode;

  beforeEach(async () => {
    node = await startEngineNode(await newRedis(), "node-a");
    await node.engine.add("lobby");
  });
  afterEach(() => node.stop());

  test("addMember is true when added and false when already a member; removeMember likewise", async () => {
    const alice = node.connect("alice");
    expect(await node.engine.addMember("alice", "lobby")).toBe(true);
    expect(await node.engine.addMember("alice", "lobby")).toBe(false);
    expect(alice.rooms).toEqual(["lobby"]);
    expect(await node.engine.removeMember("alice", "lobby")).toBe(true);
    expect(await node.engine.removeMember("alice", "lobby")).toBe(false);
    expect(alice.rooms).toEqual([]);
    expect((await node.engine.roomStatus("lobby")).membersCount).toBe(0);
  });

  test("joining a room that does not exist is an error and leaves nothing behind", async () => {
    const alice = node.connect("alice");
    await expect(node.engine.addMember("alice", "nowhere")).rejects.toThrow(
      'room "nowhere" does not exist',
    );
    expect(alice.rooms).toEqual([]);
    expect(await node.engine.exists("nowhere")).toBe(false);
  });

  test("a connection that cannot chat, or is closing, cannot join", async () => {
    const web = node.connect("web-1");
    web.canChat = false;
    web.type = "web";
    await expect(node.engine.addMember("web-1", "lobby")).rejects.toThrow(
      'connection "web-1" (web) cannot chat',
    );
    const closing = node.connect("closing");
    closing.destroyed = true;
    await expect(node.engine.addMember("closing", "lobby")).rejects.toThrow(
      'connection "closing" is closed',
    );
    expect((await node.engine.roomStatus("lobby")).membersCount).toBe(0);
  });

  test("a connection can be in many rooms, and leaves all of them when it closes", async () => {
    await node.engine.add("kitchen");
    const alice = node.connect("alice");
    const bob = node.connect("bob");
    await node.engine.addMember("alice", "lobby");
    await node.engine.addMember("alice", "kitchen");
    await node.engine.addMember("bob", "lobby");
    expect(alice.rooms).toEqual(["lobby", "kitchen"]);

    await node.disconnect(alice);

    expect(
      Object.keys((await node.engine.roomStatus("lobby")).members),
    ).toEqual(["bob"]);
    expect((await node.engine.roomStatus("kitchen")).membersCount).toBe(0);
  });

  test("generateMemberDetails and sanitizeMemberDetails can be replaced by assignment", async () => {
    const alice = Object.assign(node.connect("alice"), { name: "Alice" });
    node.engine.generateMemberDetails = (connection) => ({
      id: connection.id,
      joinedAt: 1,
      name: (connection as typeof alice).name,
    });
    node.engine.sanitizeMemberDetails = async (member) => ({
      name: member.name,
    });
    await node.engine.addMember(alice.id, "lobby");
    expect((await node.engine.roomStatus("lobby")).members).toEqual({
      alice: { id: "alice", name: "Alice" },
    });
  });

  test("the default member details stored are {id, host, joinedAt}", async () => {
    node.connect("alice");
    let stored: unknown;
    node.engine.sanitizeMemberDetails = (member) => {
      stored = member;
      return {};
    };
    await node.engine.addMember("alice", "lobby");
    await node.engine.roomStatus("lobby");
    expect(stored).toEqual({
      id: "alice",
      host: "node-a",
      joinedAt: expect.any(Number),
    });
  });

  test("a connection's joins and leaves take effect in the order asked, even when sent at once", async () => {
    const alice = node.connect("alice");
    node.engine.addMiddleware({
      name: "slow join",
      join: () => new Promise((resolve) => setTimeout(resolve, 20)),
    });
    const results = await Promise.all([
      node.engine.joinRoom(alice, "lobby"),
      node.engine.leaveRoom(alice, "lobby"),
      node.engine.joinRoom(alice, "lobby"),
    ]);
    expect(results).toEqual([true, true, true]);
    expect(alice.rooms).toEqual(["lobby"]);
    expect(
      Object.keys((await node.engine.roomStatus("lobby")).members),
    ).toEqual(["alice"]);
  });

  test("many connections joining and leaving at once leave exactly the members that stayed", async () => {
    const connections = Array.from({ length: 100 }, (_, n) =>
      node.connect(`c${n}`),
    );
    await Promise.all(
      connections.map((connection) =>
        node.engine.joinRoom(connection, "lobby"),
      ),
    );
    const leaving = connections.filter((_, n) => n % 3 === 0);
    await Promise.all([
      ...leaving.map((connection) =>
        node.engine.leaveRoom(connection, "lobby"),
      ),
      ...connections
        .filter((_, n) => n % 3 === 1)
        .map((connection) => node.engine.joinRoom(connection, "lobby")),
    ]);
    const stayed = connections
      .filter((_, n) => n % 3 !== 0)
      .map((connection) => connection.id);
    expect(
      Object.keys((await node.engine.roomStatus("lobby")).members).sort(),
    ).toEqual(stayed.sort());
  });
});
