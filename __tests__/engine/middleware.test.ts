import { startEngineNode, type EngineNode } from "../helpers/engineNode";
import { describeOnEachRedis } from "../helpers/redisBackends";
import type { TestConnection } from "../helpers/testConnection";

describeOnEachRedis("chat middleware", ({ newRedis }) => {
  let node: EngineNode;
  let alice: TestConnection;
  let bob: TestConnection;

  beforeEach(async () => {
    node = await startEngineNode(await newRedis(), "node-a");
    await node.engine.add("lobby");
    alice = node.connect("alice");
    bob = node.connect("bob");
  });
  afterEach(() => node.stop());

  test("a join middleware that throws refuses the room with its error", async () => {
    node.engine.addMiddleware({
      name: "members only",
      join: (connection) => {
        if (connection.id !== "alice") throw new Error("only alice may join");
      },
    });
    await node.engine.addMember("alice", "lobby");
    await expect(node.engine.addMember("bob", "lobby")).rejects.toThrow(
      "only alice may join",
    );
    expect(bob.rooms).toEqual([]);
    expect(
      Object.keys((await node.engine.roomStatus("lobby")).members),
    ).toEqual(["alice"]);
  });

  test("join middleware does not run for a room that does not exist", async () => {
    const join = jest.fn();
    node.engine.addMiddleware({ name: "announce", join });
    await expect(node.engine.addMember("alice", "nowhere")).rejects.toThrow(
      'room "nowhere" does not exist',
    );
    expect(join).not.toHaveBeenCalled();
  });

  test("a leave middleware that throws keeps the member in; closing the connection removes it all the same", async () => {
    node.engine.addMiddleware({
      name: "no leaving",
      leave: () => {
        throw new Error("you may not leave");
      },
    });
    await node.engine.addMember("alice", "lobby");
    await expect(node.engine.removeMember("alice", "lobby")).rejects.toThrow(
      "you may not leave",
    );
    expect(alice.rooms).toEqual(["lobby"]);
    await node.disconnect(alice);
    expect((await node.engine.roomStatus("lobby")).membersCount).toBe(0);
    expect(node.logs.join("\n")).toContain(
      'leave middleware failed for connection "alice" in room "lobby"',
    );
  });

  test("middleware runs by priority, lower first, and onSayReceive may change the message once", async () => {
    const order: string[] = [];
    const onSayReceive = jest.fn();
    node.engine.addMiddleware({
      name: "second",
      priority: 20,
      onSayReceive: (_connection, _room, payload) => {
        order.push("second");
        onSayReceive();
        return { ...payload, message: `${payload.message}!` };
      },
    });
    node.engine.addMiddleware({
      name: "first",
      priority: 10,
      onSayReceive: (_connection, _room, payload) => {
        order.push("first");
        payload.message = String(payload.message).toUpperCase();
      },
    });
    await node.engine.addMember("alice", "lobby");
    await node.engine.addMember("bob", "lobby");
    await node.engine.broadcast(alice, "lobby", "hello");
    await alice.hears("lobby", "HELLO!");
    await bob.hears("lobby", "HELLO!");
    expect(order).toEqual(["first", "second"]);
    expect(onSayReceive).toHaveBeenCalledTimes(1);
    expect(
      node.engine.listMiddleware().map((middleware) => middleware.name),
    ).toEqual(["first", "second"]);
  });

  test("onSayReceive returning null drops the message; throwing refuses it with the error", async () => {
    node.engine.addMiddleware({
      name: "filter",
      onSayReceive: (_connection, _room, payload) => {
        if (payload.message === "spam") return null;
        if (payload.message === "bad") throw new Error("watch your language");
        return payload;
      },
    });
    await node.engine.addMember("alice", "lobby");
    await node.engine.addMember("bob", "lobby");
    await node.engine.broadcast(alice, "lobby", "spam");
    await expect(node.engine.broadcast(alice, "lobby", "bad")).rejects.toThrow(
      "watch your language",
    );
    await node.engine.broadcast(alice, "lobby", "fine");
    await bob.hears("lobby", "fine");
    expect(bob.heard("lobby", "spam")).toBe(false);
    expect(bob.heard("lobby", "bad")).toBe(false);
  });

  test("say middleware runs per recipient and may change or drop the message for that recipient only", async () => {
    node.engine.addMiddleware({
      name: "per recipient",
      say: async (connection, _room, payload) => {
        if (connection.id === "bob" && payload.message === "secret")
          return null;
        return {
          ...payload,
          message: `${payload.message} for ${connection.id}`,
        };
      },
    });
    await node.engine.addMember("alice", "lobby");
    await node.engine.addMember("bob", "lobby");
    await node.engine.broadcast(alice, "lobby", "secret");
    await node.engine.broadcast(alice, "lobby", "hello");
    await alice.hears("lobby", "secret for alice");
    await alice.hears("lobby", "hello for alice");
    await bob.hears("lobby", "hello for bob");
    expect(bob.messages.map((message) => message.message)).toEqual([
      "hello for bob",
    ]);
  });

  test("say middleware that is slow for one message keeps the room's messages in order", async () => {
    node.engine.addMiddleware({
      name: "slow first message",
      say: async (_connection, _room, payload) => {
        if (payload.message === "one")
          await new Promise((resolve) => setTimeout(resolve, 30));
      },
    });
    await node.engine.addMember("bob", "lobby");
    await node.engine.broadcast({}, "lobby", "one");
    await node.engine.broadcast({}, "lobby", "two");
    await bob.hears("lobby", "two");
    expect(bob.messages.map((message) => message.message)).toEqual([
      "one",
      "two",
    ]);
  });

  test("a say middleware that throws skips that recipient and is logged", async () => {
    node.engine.addMiddleware({
      name: "broken for bob",
      say: (connection) => {
        if (connection.id === "bob") throw new Error("boom");
      },
    });
    await node.engine.addMember("alice", "lobby");
    await node.engine.addMember("bob", "lobby");
    await node.engine.broadcast({}, "lobby", "hello");
    await alice.hears("lobby", "hello");
    expect(bob.messages).toEqual([]);
    expect(node.logs.join("\n")).toContain(
      'say middleware failed for connection "bob" in room "lobby"',
    );
  });

  test("middleware without a name is refused; removeMiddleware takes one out", async () => {
    expect(() => node.engine.addMiddleware({ name: "" })).toThrow(
      "chat middleware needs a name",
    );
    node.engine.addMiddleware({
      name: "refuse all",
      join: () => {
        throw new Error("closed");
      },
    });
    node.engine.removeMiddleware("refuse all");
    expect(await node.engine.addMember("alice", "lobby")).toBe(true);
  });
});
