import { api, Process } from "actionhero";
import * as path from "path";
import {
  ChatRequestError,
  ChatSocketClient,
  ChatWebsocketClient,
  type ChatClient,
} from "../../src";
import { socketPort } from "../helpers/actionheroApp";
import { startNodeProcess } from "../helpers/childProcess";
import { nodeClientKinds } from "../helpers/nodeClients";
import { freePort } from "../helpers/redisServer";

const actionhero = new Process();

beforeAll(async () => {
  await actionhero.start();
  await api.chatRoom.add("lobby");
});
afterAll(() => actionhero.stop());

describe.each(nodeClientKinds)("%s", (_kind, newClient) => {
  let alice: ChatClient;
  let bob: ChatClient;

  beforeEach(async () => {
    alice = newClient();
    bob = newClient();
    await Promise.all([alice.connect(), bob.connect()]);
  });
  afterEach(() => {
    alice.close();
    bob.close();
  });

  test("connect resolves with the connection's details and welcomes it", async () => {
    const carol = newClient();
    const welcome = new Promise((resolve) => carol.once("welcome", resolve));
    const details = await carol.connect();
    expect(details).toMatchObject({ id: expect.any(String), rooms: [] });
    expect(carol.id).toBe(details.id);
    expect(await welcome).toMatchObject({
      context: "api",
      welcome: expect.any(String),
    });
    carol.close();
  });

  test("roomAdd, say, roomView, roomLeave; say events carry the room message", async () => {
    expect(await alice.roomAdd("lobby")).toBe(true);
    expect(await alice.roomAdd("lobby")).toBe(false);
    await bob.roomAdd("lobby");
    const heard = bob.nextSay(
      (message) => message.room === "lobby" && message.from === alice.id,
    );
    await alice.say("lobby", { text: "hello", mood: "good" });
    expect(await heard).toEqual({
      message: { text: "hello", mood: "good" },
      room: "lobby",
      from: alice.id,
      context: "user",
      sentAt: expect.any(Number),
    });
    expect((await bob.roomView("lobby")).members).toHaveProperty(alice.id!);
    expect(await alice.roomLeave("lobby")).toBe(true);
    expect([...alice.rooms]).toEqual([]);
    expect((await alice.detailsView()).rooms).toEqual([]);
  });

  test("a refused request rejects with the server's error", async () => {
    await expect(alice.roomAdd("nowhere")).rejects.toThrow(ChatRequestError);
    await expect(alice.roomAdd("nowhere")).rejects.toThrow(
      'room "nowhere" does not exist',
    );
    await expect(alice.say("lobby", "not a member")).rejects.toThrow(
      /is not a member of room "lobby"/,
    );
  });

  test("action resolves with the response, or rejects with the action's error", async () => {
    expect(await alice.action("logIn", { password: "secret" })).toMatchObject({
      loggedIn: true,
    });
    await expect(alice.action("logIn", { password: "nope" })).rejects.toThrow(
      "wrong password",
    );
  });

  test("a request that gets no answer in time rejects", async () => {
    const impatient = newClient({ timeout: 50 });
    await impatient.connect();
    await expect(impatient.action("sleep", { ms: 500 })).rejects.toThrow(
      /no answer to .* within 50 ms/,
    );
    impatient.close();
  });

  test("close ends the client; a client that cannot connect rejects and does not retry", async () => {
    const ended = new Promise((resolve) => alice.once("end", resolve));
    alice.close();
    await ended;
    const port = await freePort();
    const nowhere =
      alice instanceof ChatSocketClient
        ? new ChatSocketClient({ port })
        : new ChatWebsocketClient({ url: `http://127.0.0.1:${port}` });
    const gaveUp = new Promise((resolve) => nowhere.once("end", resolve));
    await expect(nowhere.connect()).rejects.toThrow();
    await gaveUp;
  });
});

test("a socket client and a websocket client in one room hear each other", async () => {
  const [socketClient, websocketClient] = nodeClientKinds.map(([, newClient]) =>
    newClient(),
  );
  await Promise.all([socketClient.connect(), websocketClient.connect()]);
  await socketClient.roomAdd("lobby");
  await websocketClient.roomAdd("lobby");
  const heardOverWebsocket = websocketClient.nextSay(
    (message) => message.message === "from tcp",
  );
  await socketClient.say("lobby", "from tcp");
  expect((await heardOverWebsocket).from).toBe(socketClient.id);
  const heardOverTcp = socketClient.nextSay(
    (message) => message.message === "from the websocket",
  );
  await websocketClient.say("lobby", "from the websocket");
  expect((await heardOverTcp).from).toBe(websocketClient.id);
  socketClient.close();
  websocketClient.close();
});

test("an error thrown by a socket client's say listener is that error, not taken for a line that is not JSON", async () => {
  // In a process of its own: an error a listener throws out of the socket's data event is uncaught.
  const listening = await startNodeProcess(
    path.join(__dirname, "..", "fixtures", "throwingSayListener.js"),
    {
      env: { ...process.env, SOCKET_PORT: String(socketPort()) },
      ready: "ready",
    },
  );
  const exited = new Promise((resolve) =>
    listening.child.once("exit", resolve),
  );
  await api.chatRoom.broadcast({}, "lobby", "hello");
  await exited;
  const told = listening
    .output()
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line));
  expect(told).toEqual([{ uncaught: "a bug in a say listener" }]);
});
