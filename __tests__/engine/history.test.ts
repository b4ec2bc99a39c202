import type { Redis } from "ioredis";
import { setImmediate as turn } from "timers/promises";
import { ChatKeys } from "../../src/keys";
import { RoomHistory } from "../../src/roomHistory";
import type { MessagePayload } from "../../src/types";
import { startEngineNode, type EngineNode } from "../helpers/engineNode";
import { describeOnEachRedis } from "../helpers/redisBackends";
import type { TestConnection } from "../helpers/testConnection";

/** The texts of the room messages a connection received, in order. */
function texts(connection: TestConnection) {
  return connection.messages
    .filter((message) => message.context === "user")
    .map((message) => message.message);
}

describeOnEachRedis("history and recovery", ({ newRedis }) => {
  let redis: Redis;
  let a: EngineNode;
  let b: EngineNode;

  beforeEach(async () => {
    redis = await newRedis();
    const history = { size: 5, ttl: 60 };
    a = await startEngineNode(redis, "node-a", { history });
    b = await startEngineNode(redis, "node-b", { history });
    await a.engine.add("lobby");
  });
  afterEach(async () => {
    await a.stop();
    await b.stop();
  });

  /** Says each text from the server into the lobby on `node`; resolves with the payloads as delivered. */
  async function sayOn(node: EngineNode, messages: string[]) {
    const listener = node.connect(`listener-${messages[0]}`);
    await node.engine.addMember(listener.id, "lobby");
    for (const message of messages)
      await node.engine.broadcast({}, "lobby", message);
    await listener.hears("lobby", messages[messages.length - 1]);
    await node.disconnect(listener);
    return listener.messages.filter(
      (message) => message.context === "user",
    ) as MessagePayload[];
  }
  const say = (...messages: string[]) => sayOn(a, messages);

  /** `count` messages, "#1" to "#<count>", said on a node whose history keeps them all. */
  async function roomOf(count: number) {
    const node = await startEngineNode(redis, "node-long", {
      history: { size: count, ttl: 60 },
    });
    const said = await sayOn(
      node,
      Array.from({ length: count }, (_, n) => `#${n + 1}`),
    );
    return { node, said, id: (n: number) => said[n - 1].id as string };
  }

  test("a message a node's pub/sub missed reaches its members from the history, before the next one, once each", async () => {
    const bob = b.connect("bob");
    await b.engine.addMember("bob", "lobby");
    await say("before");
    await bob.hears("lobby", "before");
    // As when a Redis master goes: what it published last reached some nodes, not this one.
    const channel = new ChatKeys("test:").roomChannel("lobby");
    await b.subscriber.unsubscribe(channel);
    await say("missed 1", "missed 2");
    await b.subscriber.subscribe(channel);
    await say("after");
    await bob.hears("lobby", "after");
    expect(texts(bob)).toEqual(["before", "missed 1", "missed 2", "after"]);
  });

  test("a room's message received twice by a node is delivered once", async () => {
    const bob = b.connect("bob");
    await b.engine.addMember("bob", "lobby");
    const [first] = await say("once");
    await bob.hears("lobby", "once");
    const channel = new ChatKeys("test:").roomChannel("lobby");
    await redis.publish(channel, JSON.stringify(first));
    await say("next");
    await bob.hears("lobby", "next");
    expect(texts(bob)).toEqual(["once", "next"]);
  });

  test("a message numbered again, or lower, with other content is a new one: delivered (a replica that lacked the last ones took over)", async () => {
    const bob = b.connect("bob");
    await b.engine.addMember("bob", "lobby");
    const [, second] = await say("first", "second");
    await bob.hears("lobby", "second");
    const channel = new ChatKeys("test:").roomChannel("lobby");
    const [epoch, sequence] = String(second.id).split(":");
    await redis.publish(
      channel,
      JSON.stringify({ ...second, message: "numbered again" }),
    );
    await redis.publish(
      channel,
      JSON.stringify({
        ...second,
        message: "numbered lower",
        id: `${epoch}:${Number(sequence) - 1}`,
      }),
    );
    await bob.hears("lobby", "numbered lower");
    expect(texts(bob)).toEqual([
      "first",
      "second",
      "numbered again",
      "numbered lower",
    ]);
  });

  test("with history on, every payload has an id, increasing within the room; with it off, none", async () => {
    const said = await say("one", "two", "three");
    const ids = said.map((payload) => payload.id as string);
    expect(new Set(ids).size).toBe(3);
    const sequence = ids.map((id) => Number(id.split(":").pop()));
    expect(sequence).toEqual([...sequence].sort((x, y) => x - y));
    expect(Object.keys(said[0]).sort()).toEqual(
      ["context", "from", "id", "message", "room", "sentAt"].sort(),
    );

    const off = await startEngineNode(redis, "node-off");
    const carol = off.connect("carol");
    await off.engine.add("plain");
    await off.engine.addMember("carol", "plain");
    await off.engine.broadcast(carol, "plain", "no id");
    const heard = await carol.hears("plain", "no id");
    expect(Object.keys(heard).sort()).toEqual(
      ["context", "from", "message", "room", "sentAt"].sort(),
    );
    await expect(off.engine.history("plain")).rejects.toThrow(
      "keeps no history",
    );
    await off.stop();
  });

  test("history keeps the last `size` messages: since, limit and complete", async () => {
    const said = await say("m1", "m2", "m3", "m4", "m5", "m6", "m7");
    const id = (text: string) =>
      said.find((payload) => payload.message === text)?.id as string;

    const all = await b.engine.history("lobby");
    expect(all.messages.map((payload) => payload.message)).toEqual([
      "m3",
      "m4",
      "m5",
      "m6",
      "m7",
    ]);
    // Trimmed: the room's first messages are gone.
    expect(all.complete).toBe(false);
    expect(all.messages).toEqual(said.slice(2));

    expect(await b.engine.history("lobby", { since: id("m4") })).toEqual({
      messages: said.slice(4),
      complete: true,
      more: false,
    });
    // The message just before the oldest kept is still known, so nothing after it is missing.
    const sinceM2 = await b.engine.history("lobby", { since: id("m2") });
    expect(sinceM2.complete).toBe(true);
    expect(sinceM2.messages.map((payload) => payload.message)).toEqual([
      "m3",
      "m4",
      "m5",
      "m6",
      "m7",
    ]);
    // Trimmed past `since`: what is kept is sent, and it is not complete.
    const sinceM1 = await b.engine.history("lobby", { since: id("m1") });
    expect(sinceM1.complete).toBe(false);
    expect(sinceM1.messages).toEqual(said.slice(2));
    // Paging on from there: the oldest kept, and the gap before them told.
    expect(
      await b.engine.history("lobby", { since: id("m1"), limit: 2 }),
    ).toEqual({ messages: said.slice(2, 4), complete: false, more: true });
    // Cut by the limit: the oldest after since, nothing missing, and more follow.
    expect(
      await b.engine.history("lobby", { since: id("m4"), limit: 2 }),
    ).toEqual({
      messages: said.slice(4, 6),
      complete: true,
      more: true,
    });
    expect(await b.engine.history("lobby", { since: id("m7") })).toEqual({
      messages: [],
      complete: true,
      more: false,
    });
    await expect(
      b.engine.history("lobby", { since: id("m4"), limit: -1 }),
    ).rejects.toMatchObject({
      code: "INVALID_LIMIT",
      message:
        'history limit -1 for room "lobby" is not a whole number of 0 or more',
    });
    // An id that is not one of this room's is never complete.
    expect(
      (await b.engine.history("lobby", { since: "nonsense" })).complete,
    ).toBe(false);
  });

  test("without since, complete says whether the history still holds the room's first message", async () => {
    await say("1", "2", "3", "4", "5");
    expect((await b.engine.history("lobby")).complete).toBe(true);
    // One more than size: the first is no longer among those given.
    await say("6");
    const page = await b.engine.history("lobby");
    expect(page.messages.map((payload) => payload.message)).toEqual([
      "2",
      "3",
      "4",
      "5",
      "6",
    ]);
    expect(page.complete).toBe(false);
  });

  test("with since and limit, a page is the oldest `limit` after since; more says another follows", async () => {
    const { node, said, id } = await roomOf(60);
    const payloads = (from: number, to: number) => said.slice(from - 1, to);

    expect(
      await b.engine.history("lobby", { since: id(20), limit: 5 }),
    ).toEqual({ messages: payloads(21, 25), complete: true, more: true });
    expect(
      await b.engine.history("lobby", { since: id(55), limit: 5 }),
    ).toEqual({ messages: payloads(56, 60), complete: true, more: false });
    // Without since, the newest, oldest first: the older ones left out, it does not reach back to #1.
    expect(await b.engine.history("lobby", { limit: 5 })).toEqual({
      messages: payloads(56, 60),
      complete: false,
      more: false,
    });
    await node.stop();
  });

  test("paging forward through 1,000 messages, 50 at a time, reads each once; recovery sends them all at once", async () => {
    const { node, said, id } = await roomOf(1000);
    const read: MessagePayload[] = [];
    let pages = 0;
    let since = id(1);
    for (let more = true; more; pages++) {
      const page = await b.engine.history("lobby", { since, limit: 50 });
      expect(page.complete).toBe(true);
      read.push(...page.messages);
      more = page.more;
      if (more) since = page.messages[page.messages.length - 1].id as string;
    }
    expect(read).toEqual(said.slice(1));
    expect(pages).toBe(20);

    // Rejoining after #1, a connection is sent every message after it, not a page of them.
    const returning = node.connect("returning");
    expect(await node.engine.joinRoom(returning, "lobby", id(1))).toEqual({
      recovered: true,
    });
    expect(texts(returning)).toEqual(
      said.slice(1).map(({ message }) => message),
    );
    await node.stop();
  });

  test("a history whose state was lost (evicted) while its stream remained starts over", async () => {
    const [before] = await say("before");
    await redis.del("test:{lobby}:historyState");
    const [after] = await say("after");
    expect(
      await b.engine.history("lobby", { since: before.id as string }),
    ).toEqual({ messages: [after], complete: false, more: false });
  });

  test("missed messages pass the say middleware, as live ones do", async () => {
    const [first] = await say("first");
    await a.engine.broadcast({}, "lobby", "a secret");
    await a.engine.broadcast({}, "lobby", "drop me");
    for (const node of [a, b])
      node.engine.addMiddleware({
        name: "redact",
        say: (_connection, _room, payload) =>
          payload.message === "drop me"
            ? null
            : {
                ...payload,
                message: String(payload.message).replace(
                  "secret",
                  "[redacted]",
                ),
              },
      });
    const returning = b.connect("returning");
    expect(
      await b.engine.joinRoom(returning, "lobby", first.id as string),
    ).toEqual({ recovered: true });
    await a.engine.broadcast({}, "lobby", "live");
    await returning.hears("lobby", "live");
    expect(texts(returning)).toEqual(["a [redacted]", "live"]);
  });

  test("history of an unknown room is an error; destroying a room forgets its history", async () => {
    await expect(b.engine.history("nowhere")).rejects.toThrow(
      'room "nowhere" does not exist',
    );
    const [before] = await say("before the destroy");
    await a.engine.destroy("lobby");
    await expect(b.engine.history("lobby")).rejects.toThrow("does not exist");
    await a.engine.add("lobby");
    expect(await b.engine.history("lobby")).toEqual({
      messages: [],
      complete: true,
      more: false,
    });
    const [after] = await say("in the new life");
    expect(
      await b.engine.history("lobby", { since: before.id as string }),
    ).toEqual({ messages: [after], complete: false, more: false });
  });

  test("a history Redis lost is detected: an id from before is never complete", async () => {
    const [before] = await say("before the loss");
    await redis.del("test:{lobby}:history", "test:{lobby}:historyState");
    const [after] = await say("after the loss");
    expect(after.id).not.toEqual(before.id);
    const page = await b.engine.history("lobby", {
      since: before.id as string,
    });
    expect(page).toEqual({ messages: [after], complete: false, more: false });
  });

  test("after Redis lost the last messages (a replica took over), no id is given twice and a since from before is incomplete", async () => {
    const history = new RoomHistory(redis, new ChatKeys("gap:"), {
      size: 10,
      ttl: 60,
    });
    const publish = async (message: string) =>
      JSON.parse(
        await history.publish("lobby", JSON.stringify({ message })),
      ) as { message: string; id: string };
    // The replica holds `kept`; the old master also gave out the next id, to a message it lost.
    const kept = await publish("kept");
    const [epoch, sequence] = kept.id.split(":");
    const lostId = `${epoch}:${Number(sequence) + 1}`;

    await history.openGap("lobby");
    const after = await publish("after the failover");
    expect(after.id).not.toEqual(lostId);
    expect(await history.read("lobby", { since: kept.id })).toEqual({
      messages: [after],
      complete: false,
      more: false,
    });
    expect(await history.read("lobby", { since: after.id })).toEqual({
      messages: [],
      complete: true,
      more: false,
    });
    expect((await history.read("lobby")).complete).toBe(false);
  });

  test("roomAdd with since sends what was missed first, then what is new, each once, while others keep saying", async () => {
    // A history long enough for everything said during the test.
    const history = { size: 10_000, ttl: 60 };
    const c = await startEngineNode(redis, "node-c", { history });
    const d = await startEngineNode(redis, "node-d", { history });
    const [first] = await say("first");
    const sender = { id: "sender" };
    // Missed while away.
    for (let n = 0; n < 3; n++)
      await d.engine.broadcast(sender, "lobby", `missed ${n}`);
    const returning = c.connect("returning");
    // The sender goes on saying, from another node, while the returning connection joins and catches up.
    let saying = true;
    let said = 0;
    const sending = (async () => {
      while (saying) {
        await d.engine.broadcast(sender, "lobby", `live ${said++}`);
        // Lets the other connections' turns come (the in-memory Redis answers without one).
        await turn();
      }
    })();
    const { recovered } = (await c.engine.joinRoom(
      returning,
      "lobby",
      first.id as string,
    )) as { recovered: boolean };
    await returning.hears("lobby", `live ${said + 5}`);
    saying = false;
    await sending;
    await returning.hears("lobby", `live ${said - 1}`);

    expect(recovered).toBe(true);
    const received = texts(returning);
    expect(received).toEqual([
      "missed 0",
      "missed 1",
      "missed 2",
      ...Array.from({ length: said }, (_, n) => `live ${n}`),
    ]);
    await c.stop();
    await d.stop();
  });

  test("roomAdd with since from a history that is gone joins, sends what is kept, and says it did not recover", async () => {
    const [old] = await say("old");
    await redis.del("test:{lobby}:history", "test:{lobby}:historyState");
    await say("new");
    const returning = a.connect("returning");
    expect(
      await a.engine.joinRoom(returning, "lobby", old.id as string),
    ).toEqual({ recovered: false });
    expect(texts(returning)).toEqual(["new"]);
    expect(returning.rooms).toEqual(["lobby"]);
  });

  test("roomAdd with since and history off joins and says it did not recover", async () => {
    const off = await startEngineNode(redis, "node-off");
    await off.engine.add("plain");
    const carol = off.connect("carol");
    expect(await off.engine.joinRoom(carol, "plain", "x:1")).toEqual({
      recovered: false,
    });
    expect(carol.rooms).toEqual(["plain"]);
    await off.stop();
  });
});
