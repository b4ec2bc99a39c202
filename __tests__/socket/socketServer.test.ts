import type { Socket } from "net";
import { api, Process } from "actionhero";
import {
  chatConfig,
  socketPort,
  socketServerConfig,
} from "../helpers/actionheroApp";
import { LineClient } from "../helpers/lineClient";
import { countWrites } from "../helpers/socketWrites";
import { closingNotice } from "../helpers/closingNotice";

const newestConnection = () =>
  api.connections.connections[Object.keys(api.connections.connections).pop()!];

const actionhero = new Process();

describe("the socket server", () => {
  let client: LineClient;

  beforeAll(async () => {
    await actionhero.start();
    await api.chatRoom.add("lobby");
  });
  afterAll(() => actionhero.stop());

  beforeEach(async () => {
    client = await LineClient.connect(socketPort());
  });
  afterEach(() => client.end());

  test("a new connection is welcomed with a JSON line", () => {
    expect(client.received[0]).toEqual({
      welcome: "Welcome to the actionhero api",
      context: "api",
    });
    expect(
      api.connections.connections[
        Object.keys(api.connections.connections).pop()!
      ].type,
    ).toBe("socket");
  });

  test("the param verbs keep params on the connection", async () => {
    expect(await client.request("paramAdd password=secret", 1)).toEqual({
      status: "OK",
      context: "response",
      messageId: 1,
    });
    await client.request("paramAdd room lobby", 2);
    expect((await client.request("paramView password", 3)).data).toBe("secret");
    expect((await client.request("paramsView", 4)).data).toEqual({
      password: "secret",
      room: "lobby",
    });
    await client.request("paramDelete room", 5);
    expect((await client.request("paramsView", 6)).data).toEqual({
      password: "secret",
    });
    await client.request("paramsDelete", 7);
    expect((await client.request("paramsView", 8)).data).toEqual({});
  });

  test("the chat verbs: roomAdd, say, roomView, roomLeave, and detailsView", async () => {
    const other = await LineClient.connect(socketPort());
    await other.request("roomAdd lobby", 1);
    expect(await client.request("roomAdd lobby", 1)).toEqual({
      status: "OK",
      data: true,
      context: "response",
      messageId: 1,
    });
    expect(await client.request("say lobby hello there", 2)).toEqual({
      status: "OK",
      context: "response",
      messageId: 2,
    });
    expect(await other.hears("lobby", "hello there")).toEqual({
      message: "hello there",
      room: "lobby",
      from: expect.any(String),
      context: "user",
      sentAt: expect.any(Number),
    });
    expect((await client.request("roomView lobby", 3)).data).toMatchObject({
      room: "lobby",
      membersCount: 2,
    });
    const details = (await client.request("detailsView", 4)).data;
    expect(details).toMatchObject({
      rooms: ["lobby"],
      remoteIP: expect.stringContaining("127.0.0.1"),
    });
    expect((await client.request("roomLeave lobby", 5)).data).toBe(true);
    expect((await client.request("roomView lobby", 6)).error).toBe(
      `connection "${details.id}" is not a member of room "lobby"`,
    );
    await other.end();
  });

  test("JSON verbs carry any room name and any JSON message", async () => {
    await api.chatRoom.add("the big room");
    await client.request('{"event": "roomAdd", "room": "the big room"}', 1);
    await client.request(
      '{"event": "say", "room": "the big room", "message": {"move": "e4"}}',
      2,
    );
    expect(
      (await client.hears("the big room", { move: "e4" })).message,
    ).toEqual({ move: "e4" });
  });

  async function join(room: string) {
    await api.chatRoom.add(room);
    await client.request(`{"event": "roomAdd", "room": "${room}"}`, 1);
  }
  /** Broadcasts every message to `room` in one turn, and resolves once the last one is heard. */
  async function sendInOneTurn(room: string, messages: (string | object)[]) {
    await Promise.all(
      messages.map((message) => api.chatRoom.broadcast({}, room, message)),
    );
    await client.hears(room, messages[messages.length - 1]);
  }
  const heardIn = (room: string) =>
    client.received
      .filter((line) => line.room === room && line.context === "user")
      .map((line) => line.message);

  test("many messages to one connection in one turn leave in one write, and arrive intact, in order, one line each", async () => {
    await join("batch");
    const messages = Array.from({ length: 50 }, (_, n) => ({ n }));
    const writes = countWrites(
      newestConnection().rawConnection.socket as Socket,
    );
    try {
      await sendInOneTurn("batch", messages);
      // Redis may hand the node the 50 messages over more than one turn of its event loop.
      expect(writes.count).toBeGreaterThanOrEqual(1);
      expect(writes.count).toBeLessThanOrEqual(3);
    } finally {
      writes.restore();
    }
    expect(heardIn("batch")).toEqual(messages);
  });

  test("a member sent more than maxWriteBuffer in one turn is not taken for a slow reader: it gets every message", async () => {
    // 20 messages of 60 KB: 1.2 MB in one turn, past the 1 MiB maxWriteBuffer.
    const messages = Array.from(
      { length: 20 },
      (_, n) => `${n}:${"x".repeat(60_000)}`,
    );
    await join("big");
    await sendInOneTurn("big", messages);
    expect(heardIn("big")).toEqual(messages);
  });

  test("a word that is not a verb runs the action of that name with the connection's params", async () => {
    await api.chatRoom.add("private:staff");
    expect((await client.request("logIn", 1)).error).toBe(
      "password is a required parameter for this action",
    );
    await client.request("paramAdd password=secret", 2);
    expect(await client.request("logIn", 3)).toEqual({
      loggedIn: true,
      token: expect.any(String),
      context: "response",
      messageId: 3,
    });
    expect(await client.request("roomAdd private:staff", 4)).toMatchObject({
      status: "OK",
      data: true,
    });
  });

  test("a JSON action runs with just its own params", async () => {
    await client.request("paramAdd password=wrong", 1);
    expect(
      await client.request(
        '{"action": "logIn", "params": {"password": "secret"}}',
        2,
      ),
    ).toEqual({
      loggedIn: true,
      token: expect.any(String),
      context: "response",
      messageId: 2,
    });
    expect((await client.request("paramView password", 3)).data).toBe("wrong");
  });

  test("messageId counts requests from 1; room messages do not advance it; slow answers may come last", async () => {
    await client.request("roomAdd lobby", 1);
    client.write('{"action": "sleep", "params": {"ms": 200}}\n');
    client.write("say lobby between\r\n");
    client.write('{"action": "sleep", "params": {"ms": 1}}\n');
    expect((await client.response(2)).slept).toBe(200);
    const answers = client.received
      .filter((message) => message.context === "response")
      .map((message) => message.messageId);
    expect(answers).toEqual([1, 3, 4, 2]);
    const heard = client.received.find((message) => message.context === "user");
    expect(heard).toMatchObject({ message: "between" });
    expect(heard!.messageId).toBeUndefined();
  });

  test("bad requests get an error on that connection only", async () => {
    const bystander = await LineClient.connect(socketPort());
    await bystander.request("roomAdd lobby", 1);
    expect((await client.request("noSuchAction", 1)).error).toBe(
      "unknown action or invalid apiVersion",
    );
    expect((await client.request("{not json", 2)).error).toMatch(
      /^malformed JSON/,
    );
    expect(
      (await client.request('{"event": "fly", "room": "lobby"}', 3)).error,
    ).toBe("verb not found or not allowed (fly)");
    expect((await client.request("roomAdd nowhere", 4)).error).toBe(
      'room "nowhere" does not exist',
    );
    expect((await client.request("say lobby not a member", 5)).error).toMatch(
      /is not a member of room "lobby"/,
    );
    client.write(Buffer.from([0xff, 0xfe, 0x00, 0x9c, 0x0a]));
    expect((await client.response(6)).error).toBe(
      "unknown action or invalid apiVersion",
    );
    expect((await client.request("roomAdd lobby", 7)).data).toBe(true);
    await bystander.request("say lobby all is well", 2);
    await client.hears("lobby", "all is well");
    expect(bystander.received.filter((message) => message.error)).toEqual([]);
    await bystander.end();
  });

  test("a line longer than maxDataLength is refused once, and the connection goes on", async () => {
    const limit = socketServerConfig().maxDataLength;
    client.write("say lobby " + "x".repeat(limit * 4));
    expect((await client.response(1)).error).toBe(
      `a request is longer than ${limit} characters`,
    );
    client.write("x".repeat(limit) + "\n");
    expect((await client.request("roomAdd lobby", 2)).data).toBe(true);
    expect(client.received.filter((message) => message.error)).toHaveLength(1);
  });

  test("too many actions at once are refused by actionhero's simultaneousActions bound", async () => {
    for (let n = 0; n < 8; n++)
      client.write('{"action": "sleep", "params": {"ms": 100}}\n');
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, n) => client.response(n + 1)),
    );
    expect(
      answers.filter(
        (answer) => answer.error === "you have too many pending requests",
      ).length,
    ).toBeGreaterThan(0);
    expect(
      answers.filter((answer) => answer.slept === 100).length,
    ).toBeGreaterThan(0);
  });

  test("a client that disconnects in the middle of a line leaves its rooms and is forgotten", async () => {
    const leaving = await LineClient.connect(socketPort());
    await leaving.request("roomAdd lobby", 1);
    const id = (await leaving.request("detailsView", 2)).data.id as string;
    const connection = api.connections.connections[id];
    const destroy = connection.destroy.bind(connection);
    const destroyed = new Promise<void>(
      (resolve) => (connection.destroy = () => destroy().then(resolve)),
    );
    leaving.write("say lobby half a li");
    leaving.socket.destroy();
    await destroyed;
    expect(api.connections.connections[id]).toBeUndefined();
    expect(
      (await api.chatRoom.roomStatus("lobby")).members[id],
    ).toBeUndefined();
  });

  test("quit says goodbye and closes the connection", async () => {
    const quitting = await LineClient.connect(socketPort());
    quitting.write("quit\n");
    await quitting.closed;
    expect(quitting.received.at(-1)).toEqual({ status: "Bye", context: "api" });
  });

  test("a client that stops reading is closed once its unread messages pass maxWriteBuffer; others go on", async () => {
    const settings = chatConfig();
    const maxWriteBuffer = settings.maxWriteBuffer;
    settings.maxWriteBuffer = 64 * 1024;
    try {
      const sleeper = await LineClient.connect(socketPort());
      await sleeper.request("roomAdd lobby", 1);
      const id = (await sleeper.request("detailsView", 2)).data.id as string;
      await client.request("roomAdd lobby", 1);
      const connection = api.connections.connections[id];
      const destroy = connection.destroy.bind(connection);
      const destroyed = new Promise<void>(
        (resolve) => (connection.destroy = () => destroy().then(resolve)),
      );
      sleeper.socket.pause();
      const big = "y".repeat(60 * 1024);
      let sent = 0;
      while (api.connections.connections[id] && sent < 2000) {
        await api.chatRoom.broadcast({}, "lobby", `${sent++} ${big}`);
        await client.hears("lobby", `${sent - 1} ${big}`);
      }
      await destroyed;
      expect(api.connections.connections[id]).toBeUndefined();
      await api.chatRoom.broadcast({}, "lobby", "after");
      await client.hears("lobby", "after");
    } finally {
      settings.maxWriteBuffer = maxWriteBuffer;
    }
  });

  test("a client closed for not reading is told why first: a notice with the reason slow_reader, then the goodbye", async () => {
    const settings = chatConfig();
    const maxWriteBuffer = settings.maxWriteBuffer;
    settings.maxWriteBuffer = 64 * 1024;
    try {
      const sleeper = await LineClient.connect(socketPort());
      await sleeper.request("roomAdd lobby", 1);
      const id = (await sleeper.request("detailsView", 2)).data.id as string;
      await client.request("roomAdd lobby", 1);
      sleeper.socket.pause();
      const big = "y".repeat(60 * 1024);
      for (let sent = 0; api.connections.connections[id]; sent++) {
        if (sent > 2000) throw new Error("the sleeper was never closed");
        await api.chatRoom.broadcast({}, "lobby", `${sent} ${big}`);
        await client.hears("lobby", `${sent} ${big}`);
      }
      sleeper.socket.resume();
      await sleeper.closed;
      const told = sleeper.received.findIndex(
        (message) => message.notice === "connectionClosed",
      );
      expect(sleeper.received[told]).toEqual(closingNotice("slow_reader"));
      expect(sleeper.received.slice(told + 1).at(-1)).toEqual({
        status: "Bye",
        context: "api",
      });
    } finally {
      settings.maxWriteBuffer = maxWriteBuffer;
    }
  });

  test("a request nested deeper than maxRequestDepth is refused with the limit named, and the node goes on", async () => {
    const deep = '{"a":'.repeat(5000) + "1" + "}".repeat(5000);
    client.write(`{"action":"sleep","params":{"ms":${deep}}}\n`);
    expect(await client.waitFor((message) => message.messageId === 1)).toEqual({
      error: `a request may nest objects and arrays at most ${chatConfig().maxRequestDepth} levels deep`,
      context: "response",
      messageId: 1,
    });
    expect((await client.request("roomAdd lobby", 2)).status).toBe("OK");
  });

  test("past maxPendingRequests requests under way the server stops reading the connection, and answers all of them after", async () => {
    const settings = chatConfig();
    const maxPendingRequests = settings.maxPendingRequests;
    settings.maxPendingRequests = 4;
    const rooms = Array.from({ length: 10 }, (_, n) => `socket-queue-${n}`);
    for (const room of rooms) await api.chatRoom.add(room);
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    let joining!: () => void;
    const firstJoin = new Promise<void>((resolve) => (joining = resolve));
    api.chatRoom.addMiddleware({
      name: "gate",
      join: () => {
        joining();
        return gate;
      },
    });
    try {
      const id = (await client.request("detailsView", 1)).data.id as string;
      const serverSocket = (
        api.connections.connections[id].rawConnection as {
          socket: { isPaused(): boolean };
        }
      ).socket;
      client.write(rooms.map((room) => `roomAdd ${room}\n`).join(""));
      await firstJoin;
      expect(serverSocket.isPaused()).toBe(true);
      open();
      for (const n of rooms.keys())
        expect(
          await client.waitFor((message) => message.messageId === n + 2),
        ).toMatchObject({ status: "OK", data: true });
      expect(serverSocket.isPaused()).toBe(false);
    } finally {
      api.chatRoom.removeMiddleware("gate");
      settings.maxPendingRequests = maxPendingRequests;
    }
  });
});
