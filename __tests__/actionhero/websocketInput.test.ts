import { api, Process } from "actionhero";
import type { Connection } from "actionhero";
import { chatConfig, webUrl } from "../helpers/actionheroApp";
import { RawWebsocket } from "../helpers/rawWebsocket";
import { WebsocketTestClient } from "../helpers/websocketClient";
import { closingNotice } from "../helpers/closingNotice";

/** The JSON of `{"a": {"a": ...}}`, `depth` objects deep (too deep for JSON.stringify to write). */
function nestedJson(depth: number) {
  return '{"a":'.repeat(depth) + "1" + "}".repeat(depth);
}

const isRefusal = (message: Record<string, any>, reason: string) =>
  message.context === "response" &&
  typeof message.error === "string" &&
  message.error.includes(reason);

describe("bad input to actionhero's websocket server", () => {
  const actionhero = new Process();
  let alice: WebsocketTestClient;
  let bob: WebsocketTestClient;

  beforeAll(async () => {
    await actionhero.start();
    await api.chatRoom.add("lobby");
    alice = await WebsocketTestClient.connect(webUrl());
    bob = await WebsocketTestClient.connect(webUrl());
    await alice.roomAdd("lobby");
    await bob.roomAdd("lobby");
  });
  afterAll(async () => {
    alice.disconnect();
    bob.disconnect();
    await actionhero.stop();
  });

  /** The node still serves: alice and bob still chat. */
  async function stillChatting(text: string) {
    expect((await alice.say("lobby", text)).status).toBe("OK");
    await bob.hears("lobby", text);
  }

  test.each([
    ["null", null],
    ["a number", 5],
    ["a string", "roomAdd lobby"],
    ["an array", [{ event: "roomAdd", room: "lobby" }]],
  ])(
    "a frame of %s gets a clear error on its connection and stops nothing",
    async (_, value) => {
      const raw = await RawWebsocket.connect(webUrl());
      raw.write(value);
      await raw.waitFor(
        (message) =>
          isRefusal(
            message,
            "invalid request: a request must be a JSON object",
          ),
        "the refusal",
      );
      raw.end();
      await stillChatting(`after ${JSON.stringify(value)}`);
    },
  );

  test("a frame that is not JSON gets a clear error on its connection and stops nothing", async () => {
    const raw = await RawWebsocket.connect(webUrl());
    raw.writeText("{not json");
    await raw.waitFor(
      (message) =>
        isRefusal(message, "invalid request: a request must be JSON"),
      "the refusal",
    );
    raw.end();
    await stillChatting("after a frame that is not JSON");
  });

  test("a request nested far too deep is refused with the limit named, in an action's params and in a say", async () => {
    const raw = await RawWebsocket.connect(webUrl());
    const limit = `a request may nest objects and arrays at most ${chatConfig().maxRequestDepth} levels deep`;
    raw.writeText(
      `{"event":"action","messageId":"deep action","params":{"action":"sleep","ms":${nestedJson(5000)}}}`,
    );
    raw.writeText(
      `{"event":"say","messageId":"deep say","room":"lobby","message":${nestedJson(40)}}`,
    );
    for (const messageId of ["deep action", "deep say"])
      expect(
        await raw.waitFor((message) => message.messageId === messageId),
      ).toMatchObject({ error: `ChatError: invalid request: ${limit}` });
    raw.end();
    await stillChatting("after deep nesting");
    expect(bob.said.some((message) => message.message === undefined)).toBe(
      false,
    );
  });

  test("a frame larger than Primus' maxLength (10 MiB) closes that connection alone", async () => {
    const raw = await RawWebsocket.connect(webUrl());
    raw.writeText(
      `{"event":"say","room":"lobby","message":"${"x".repeat(11 * 1024 * 1024)}"}`,
    );
    await raw.ended;
    await stillChatting("after a frame too large");
  });

  test("a say takes its message from `message` alone: other keys are not joined into it", async () => {
    const raw = await RawWebsocket.connect(webUrl());
    raw.write({ event: "roomAdd", room: "lobby", messageId: 1 });
    await raw.waitFor((message) => message.messageId === 1, "joined");
    raw.write({
      event: "say",
      room: "lobby",
      message: "hi",
      from: "someone else",
      extra: 42,
      messageId: 2,
    });
    await raw.waitFor((message) => message.messageId === 2, "said");
    const heard = await bob.waitFor(
      (message) => message.context === "user" && message.message === "hi",
      "hi",
    );
    expect(heard.from).not.toBe("someone else");
    raw.end();
  });

  test("a client that stops reading is closed once maxWriteBuffer bytes wait for it; the others go on", async () => {
    const settings = chatConfig();
    const maxWriteBuffer = settings.maxWriteBuffer;
    settings.maxWriteBuffer = 256 * 1024;
    try {
      const sleeper = await RawWebsocket.connect(webUrl());
      sleeper.write({ event: "roomAdd", room: "lobby", messageId: 1 });
      await sleeper.waitFor((message) => message.messageId === 1, "joined");
      const before = Object.keys(api.connections.connections).length;
      sleeper.stopReading();
      const big = "y".repeat(60 * 1024);
      for (
        let sent = 0;
        Object.keys(api.connections.connections).length === before;
        sent++
      ) {
        if (sent > 2000) throw new Error("the sleeper was never closed");
        await api.chatRoom.broadcast({}, "lobby", `${sent} ${big}`);
        await bob.hears("lobby", `${sent} ${big}`);
      }
      await stillChatting("after the sleeper");
      sleeper.end();
    } finally {
      settings.maxWriteBuffer = maxWriteBuffer;
    }
  });

  test("a client closed for not reading is told why before the close: a notice with the reason slow_reader", async () => {
    const settings = chatConfig();
    const maxWriteBuffer = settings.maxWriteBuffer;
    settings.maxWriteBuffer = 256 * 1024;
    // A room of their own: alice and bob, who have read a lot already, are not sent it all again.
    await api.chatRoom.add("sleepers");
    const reader = await RawWebsocket.connect(webUrl());
    const sleeper = await RawWebsocket.connect(webUrl());
    try {
      for (const client of [reader, sleeper]) {
        client.write({ event: "roomAdd", room: "sleepers", messageId: 1 });
        await client.waitFor((message) => message.messageId === 1, "joined");
      }
      const before = Object.keys(api.connections.connections).length;
      sleeper.stopReading();
      const big = "y".repeat(60 * 1024);
      for (
        let sent = 0;
        Object.keys(api.connections.connections).length === before;
        sent++
      ) {
        if (sent > 2000) throw new Error("the sleeper was never closed");
        const text = `${sent} ${big}`;
        await api.chatRoom.broadcast({}, "sleepers", text);
        await reader.waitFor((message) => message.message === text, "sent");
      }
      sleeper.resumeReading();
      // Nothing arrives once the connection has ended: what was received came before the close.
      await sleeper.ended;
      expect(
        sleeper.received.filter(
          (message) => message.notice === "connectionClosed",
        ),
      ).toEqual([closingNotice("slow_reader")]);
    } finally {
      settings.maxWriteBuffer = maxWriteBuffer;
      reader.end();
    }
  });

  test("past maxPendingRequests requests under way the server stops reading the connection, and answers all of them after", async () => {
    const settings = chatConfig();
    const maxPendingRequests = settings.maxPendingRequests;
    settings.maxPendingRequests = 4;
    const rooms = Array.from({ length: 10 }, (_, n) => `queue-${n}`);
    for (const room of rooms) await api.chatRoom.add(room);
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    api.chatRoom.addMiddleware({ name: "gate", join: () => gate });
    const server = api.servers.servers.websocket as unknown as {
      handleData(connection: Connection, data: unknown): Promise<unknown>;
    };
    const guarded = server.handleData;
    let arrived = 0;
    let fourthArrived!: (paused: boolean) => void;
    const pausedAtFourth = new Promise<boolean>((r) => (fourthArrived = r));
    server.handleData = function (connection, data) {
      const handled = guarded.call(this, connection, data);
      if (++arrived === 4) {
        const spark = connection.rawConnection as {
          socket: { _socket: { isPaused(): boolean } };
        };
        fourthArrived(spark.socket._socket.isPaused());
      }
      return handled;
    };
    try {
      const raw = await RawWebsocket.connect(webUrl());
      rooms.forEach((room, n) =>
        raw.write({ event: "roomAdd", room, messageId: n + 1 }),
      );
      expect(await pausedAtFourth).toBe(true);
      open();
      for (const n of rooms.keys())
        expect(
          await raw.waitFor((message) => message.messageId === n + 1),
        ).toMatchObject({ status: "OK", data: true });
      expect(arrived).toBe(10);
      raw.end();
    } finally {
      server.handleData = guarded;
      api.chatRoom.removeMiddleware("gate");
      settings.maxPendingRequests = maxPendingRequests;
    }
  });
});
