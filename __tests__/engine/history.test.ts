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

  /** Says each text from the server into the lobby; resolves with the payloads as delivered. */
  async function say(...messages: string[]) {
    const listener = a.connect(`listener-${messages[0]}`);
    await a.engine.addMember(listener.id, "lobby");
    for (const message of messages)
      await a.engine.broadcast({}, "lobby", message);
    await listener.hears("lobby", messages[messages.length - 1]);
    await a.disconnect(listener);
    return listener.messages.filter(
      (message) => message.context === "user",
    ) as MessagePayload[];
  }

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
    // Cut by the limit: the newest, not complete.
    expect(
      await b.engine.history("lobby", { since: id("m4"), limit: 2 }),
    ).toEqual({
      messages: said.slice(5),
      complete: false,
    });
    expect(await b.engine.history("lobby", { since: id("m7") })).toEqual({
      messages: [],
      complete: true,
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

  test("a history whose state was lost (evicted) while its stream remained starts over", async () => {
    const [before] = await say("before");
    await redis.del("test:{lobby}:historyState");
    const [after] = await say("after");
    expect(
      await b.engine.history("lobby", { since: before.id as string }),
    ).toEqual({ messages: [after], complete: false });
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
    });
    const [after] = await say("in the new life");
    expect(
      await b.engine.history("lobby", { since: before.id as string }),
    ).toEqual({ messages: [after], complete: false });
  });

  test("a history Redis lost is detected: an id from before is never complete", async () => {
    const [before] = await say("before the loss");
    await redis.del("test:{lobby}:history", "test:{lobby}:historyState");
    const [after] = await say("after the loss");
    expect(after.id).not.toEqual(before.id);
    const page = await b.engine.history("lobby", {
      since: before.id as string,
    });
    expect(page).toEqual({ messages: [after], complete: false });
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
    });
    expect(await history.read("lobby", { since: after.id })).toEqual({
      messages: [],
      complete: true,
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
