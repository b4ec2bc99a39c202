import type { Socket } from "net";
import { api, Process } from "actionhero";
import { defaultChatConfig } from "../../src";
import { webUrl } from "../helpers/actionheroApp";
import { WebsocketTestClient } from "../helpers/websocketClient";
import { countWrites } from "../helpers/socketWrites";
import { RawWebsocket } from "../helpers/rawWebsocket";
import { RoomMessage } from "../../src/roomMessage";

/** The websocket transport as the node runs it (from dist/), writing to the node's batches of the turn. */
const { websocketTransport } =
  require("../../dist/adapter/websocketTransport") as typeof import("../../adapter/websocketTransport");

/** The node's TCP socket of a websocket client: its Primus spark's `ws` WebSocket's socket. */
function serverSocketOf(client: WebsocketTestClient): Socket {
  const spark = api.connections.connections[client.id].rawConnection as {
    socket: { _socket: Socket };
  };
  return spark.socket._socket;
}

const actionhero = new Process();
let alice: WebsocketTestClient;
let bob: WebsocketTestClient;

describe("websocket clients", () => {
  beforeAll(async () => {
    await actionhero.start();
    alice = await WebsocketTestClient.connect(webUrl());
    bob = await WebsocketTestClient.connect(webUrl());
  });
  afterAll(async () => {
    alice.disconnect();
    bob.disconnect();
    await actionhero.stop();
  });

  beforeEach(async () => {
    await api.chatRoom.add("lobby");
    await api.chatRoom.add("kitchen");
  });
  afterEach(async () => {
    for (const client of [alice, bob]) {
      for (const room of ["lobby", "kitchen", "private:vault"])
        await client.roomLeave(room);
    }
  });

  test("roomAdd joins (true), and again is false; say reaches members with the seed's payload", async () => {
    expect(await alice.roomAdd("lobby")).toMatchObject({
      status: "OK",
      context: "response",
      data: true,
    });
    expect(await alice.roomAdd("lobby")).toMatchObject({
      status: "OK",
      data: false,
    });
    await bob.roomAdd("lobby");
    expect(await alice.say("lobby", "hello bob")).toMatchObject({
      status: "OK",
      context: "response",
    });
    const heard = await bob.hears("lobby", "hello bob");
    expect(heard).toEqual({
      message: "hello bob",
      room: "lobby",
      from: alice.id,
      context: "user",
      sentAt: expect.any(Number),
    });
    await alice.hears("lobby", "hello bob");
  });

  test("a client can be in many rooms and hears each room's messages with its room", async () => {
    await alice.roomAdd("lobby");
    await alice.roomAdd("kitchen");
    await bob.roomAdd("lobby");
    await bob.roomAdd("kitchen");
    await bob.say("kitchen", "in the kitchen");
    await bob.say("lobby", "in the lobby");
    expect((await alice.hears("kitchen", "in the kitchen")).room).toBe(
      "kitchen",
    );
    expect((await alice.hears("lobby", "in the lobby")).room).toBe("lobby");
  });

  test("roomView shows the members to a member and is refused to anyone else", async () => {
    await alice.roomAdd("lobby");
    const view = await alice.roomView("lobby");
    expect(view).toMatchObject({
      status: "OK",
      data: { room: "lobby", membersCount: 1 },
    });
    expect(view.data.members[alice.id]).toEqual({
      id: alice.id,
      joinedAt: expect.any(Number),
    });
    const refused = await bob.roomView("lobby");
    expect(refused.error).toContain(
      `connection "${bob.id}" is not a member of room "lobby"`,
    );
    expect(refused.context).toBe("response");
  });

  test("messages may be JSON objects, and text with line separators arrives intact", async () => {
    await alice.roomAdd("lobby");
    await bob.roomAdd("lobby");
    const state = { board: [1, 2, 3], turn: "bob" };
    await alice.say("lobby", state);
    expect((await bob.hears("lobby", state)).message).toEqual(state);
    const text = "line\u2028separator\u2029paragraph";
    await alice.say("lobby", text);
    await bob.hears("lobby", text);
  });

  test("bad requests get a clear error on that connection only", async () => {
    const bobHadReceived = bob.received.length;
    await alice.roomAdd("lobby");
    await bob.roomAdd("lobby");
    expect((await alice.roomAdd("nowhere")).error).toContain(
      'room "nowhere" does not exist',
    );
    expect((await alice.say("kitchen", "not a member")).error).toContain(
      `is not a member of room "kitchen"`,
    );
    expect((await alice.say("lobby", "")).error).toContain(
      'a message to room "lobby" is required',
    );
    expect(
      (
        await alice.say(
          "lobby",
          "x".repeat(defaultChatConfig.maxMessageLength + 1),
        )
      ).error,
    ).toContain("is longer than");
    expect((await alice.roomAdd("x".repeat(300))).error).toContain(
      "is longer than 256 characters",
    );
    expect((await alice.send({ event: "roomAdd" })).error).toContain(
      "a room name is required",
    );
    expect((await alice.send({ event: "noSuchVerb" })).error).toContain(
      "verb not found or not allowed",
    );
    await alice.say("lobby", "still here");
    await bob.hears("lobby", "still here");
    expect(
      bob.received.slice(bobHadReceived).filter((message) => message.error),
    ).toEqual([]);
  });

  test("the authenticated room refuses until an action grants the permission", async () => {
    await api.chatRoom.add("private:vault");
    expect((await alice.roomAdd("private:vault")).error).toContain(
      'room "private:vault" needs you to log in first',
    );
    expect(
      (await alice.action("logIn", { password: "wrong" })).error,
    ).toContain("wrong password");
    expect(await alice.action("logIn", { password: "secret" })).toMatchObject({
      loggedIn: true,
    });
    expect(await alice.roomAdd("private:vault")).toMatchObject({
      status: "OK",
      data: true,
    });
  });

  test("connection.sendMessage from server code reaches that one connection", async () => {
    await api.connections.connections[bob.id].sendMessage({
      notice: "just for bob",
    });
    expect(
      await bob.waitFor((message) => message.notice === "just for bob"),
    ).toBeTruthy();
    expect(
      alice.received.some((message) => message.notice === "just for bob"),
    ).toBe(false);
  });

  test("a client that disconnects leaves all its rooms and its leave middleware runs", async () => {
    const carol = await WebsocketTestClient.connect(webUrl());
    await carol.roomAdd("lobby");
    await carol.roomAdd("kitchen");
    const leftRooms: string[] = [];
    const leftBoth = new Promise<void>((resolve) =>
      api.chatRoom.addMiddleware({
        name: "watch carol leave",
        leave: (connection: { id: string }, room: string) => {
          if (connection.id !== carol.id) return;
          if (leftRooms.push(room) === 2) resolve();
        },
      }),
    );
    const carolId = carol.id;
    const connection = api.connections.connections[carolId];
    const closeConnection = connection.destroy.bind(connection);
    const closed = new Promise<void>((resolve) => {
      connection.destroy = () => closeConnection().then(resolve);
    });
    carol.disconnect();
    await Promise.all([leftBoth, closed]);
    api.chatRoom.removeMiddleware("watch carol leave");
    expect(leftRooms.sort()).toEqual(["kitchen", "lobby"]);
    expect(
      (await api.chatRoom.roomStatus("lobby")).members[carolId],
    ).toBeUndefined();
    expect(
      (await api.chatRoom.roomStatus("kitchen")).members[carolId],
    ).toBeUndefined();
  });

  test("a message reaches only the room's members, not every connection", async () => {
    await alice.roomAdd("lobby");
    await bob.roomAdd("kitchen");
    await api.chatRoom.broadcast({}, "lobby", "lobby only");
    await api.chatRoom.broadcast({}, "kitchen", "kitchen only");
    await alice.hears("lobby", "lobby only");
    await bob.hears("kitchen", "kitchen only");
    expect(bob.heard("lobby", "lobby only")).toBe(false);
    expect(alice.heard("kitchen", "kitchen only")).toBe(false);
  });

  test("a room message is written to websocket members as the node's JSON, not encoded by Primus per member", async () => {
    await alice.roomAdd("lobby");
    await bob.roomAdd("lobby");
    const primus = api.servers.servers.websocket.server as unknown as {
      encoder: (data: unknown, done: unknown) => void;
    };
    const encoder = jest.spyOn(primus, "encoder");
    try {
      await api.chatRoom.broadcast({}, "lobby", "written once");
      await alice.hears("lobby", "written once");
      await bob.hears("lobby", "written once");
      const encodedRoomMessages = encoder.mock.calls.filter(
        ([data]) => (data as { context?: string }).context === "user",
      );
      expect(encodedRoomMessages).toEqual([]);
    } finally {
      encoder.mockRestore();
    }
  });

  test("many messages to one connection in one turn leave in one write, and arrive intact, in order, one message each", async () => {
    await bob.roomAdd("lobby");
    const messages = Array.from({ length: 50 }, (_, n) => ({
      n,
      text: `line ${n}\u2028still ${n}`,
    }));
    const writes = countWrites(serverSocketOf(bob));
    try {
      await Promise.all(
        messages.map((message) => api.chatRoom.broadcast({}, "lobby", message)),
      );
      await bob.hears("lobby", messages[49]);
      // Redis may hand the node the 50 messages over more than one turn of its event loop.
      expect(writes.count).toBeGreaterThanOrEqual(1);
      expect(writes.count).toBeLessThanOrEqual(3);
    } finally {
      writes.restore();
    }
    const heard = bob.said
      .filter(
        ({ room, message }) => room === "lobby" && typeof message === "object",
      )
      .map(({ message }) => message);
    expect(heard.slice(-50)).toEqual(messages);
  });

  test("an answer and the messages a connection is sent in the same turn leave in one write", async () => {
    const connection = api.connections.connections[bob.id];
    const writes = countWrites(serverSocketOf(bob));
    try {
      await Promise.all([
        connection.sendMessage({ context: "response", note: "an answer" }),
        connection.sendMessage({ context: "user", note: "a message" }),
        connection.sendMessage({ context: "response", note: "another answer" }),
      ]);
      await bob.waitFor((message) => message.note === "another answer");
      expect(writes.count).toBe(1);
    } finally {
      writes.restore();
    }
    expect(bob.received.slice(-3).map((message) => message.note)).toEqual([
      "an answer",
      "a message",
      "another answer",
    ]);
  });

  test("room messages, answers and Primus' pings sent to a connection in one turn leave in one write, in the order sent", async () => {
    const raw = await RawWebsocket.connect(webUrl());
    try {
      raw.write({ event: "detailsView", messageId: 1 });
      const details = await raw.waitFor((message) => message.messageId === 1);
      const connection = api.connections.connections[details.data.id];
      const spark = connection.rawConnection as {
        heartbeat(): void;
        socket: { _socket: Socket };
      };
      const roomMessage = (message: string) =>
        RoomMessage.fromPayload({
          context: "user",
          room: "lobby",
          from: "0",
          message,
          sentAt: 1,
        });
      const writes = countWrites(spark.socket._socket);
      try {
        // One turn: each await below waits only for promises already settled.
        websocketTransport.write(connection, roomMessage("first"));
        await connection.sendMessage({
          context: "response",
          note: "an answer",
        });
        spark.heartbeat();
        websocketTransport.write(connection, roomMessage("last"));
        await raw.waitFor((message) => message.message === "last");
        expect(writes.count).toBe(1);
      } finally {
        writes.restore();
      }
      const lastFour = raw.frames.slice(-4).map((frame) => JSON.parse(frame));
      expect(lastFour).toEqual([
        expect.objectContaining({ message: "first" }),
        expect.objectContaining({ note: "an answer" }),
        expect.stringMatching(/^primus::ping::\d+$/),
        expect.objectContaining({ message: "last" }),
      ]);
    } finally {
      raw.end();
    }
  });

  test("room messages of every websocket frame length (under 126 bytes, under 64 KiB, more) arrive intact", async () => {
    await bob.roomAdd("lobby");
    // In bytes of UTF-8: about 40, about 2,000, and about 80,000 (each "é" is two).
    const texts = ["short", "medium ".repeat(280), "é".repeat(40_000)];
    for (const text of texts) {
      await api.chatRoom.broadcast({}, "lobby", text);
      expect((await bob.hears("lobby", text)).message).toBe(text);
    }
  });
});
