import { api, Process } from "actionhero";
import {
  type ChatClient,
  type ChatClientOptions,
  type ConnectionState,
  type MessagePayload,
} from "../../src";
import { nodeClientKinds } from "../helpers/nodeClients";

const actionhero = new Process();

const fastReconnect = { minDelay: 10, maxDelay: 50 };

beforeAll(async () => {
  await actionhero.start();
  await api.chatRoom.add("lobby");
  await api.chatRoom.add("kitchen");
});
afterAll(() => actionhero.stop());

/** The server closes the client's connection, as a restart or a network failure would. */
const dropConnection = (client: ChatClient) =>
  api.connections.connections[client.id!].destroy();

const closedKitchen = "closed kitchen";
/** From now until the test ends, the server refuses every join of the kitchen. */
const closeTheKitchen = () =>
  api.chatRoom.addMiddleware({
    name: closedKitchen,
    join: (_connection, room) => {
      if (room === "kitchen") throw new Error("the kitchen is closed");
    },
  });

describe.each(nodeClientKinds)("%s", (_kind, newClient) => {
  let client: ChatClient;
  /** What the test's client told: its own, as the client of the test before may still be ending. */
  let seen: { states: ConnectionState[]; reconnects: number };

  const connect = async (options: ChatClientOptions = {}) => {
    client = newClient({ reconnect: fastReconnect, ...options });
    const told: typeof seen = { states: [], reconnects: 0 };
    seen = told;
    client.on("state", (state) => told.states.push(state));
    client.on("reconnect", () => told.reconnects++);
    await client.connect();
  };
  const reconnected = () =>
    new Promise<void>((resolve) => client.once("reconnect", resolve));
  const ended = () =>
    new Promise<void>((resolve) => client.once("end", resolve));

  afterEach(() => {
    client.close();
    api.chatRoom.removeMiddleware(closedKitchen);
  });

  test("its state goes connecting, connected; after a drop, reconnecting, then connected, back in its rooms", async () => {
    await connect();
    await client.roomAdd("lobby");
    const oldId = client.id;
    const back = reconnected();
    await dropConnection(client);
    await back;
    expect(seen.states).toEqual([
      "connecting",
      "connected",
      "reconnecting",
      "connected",
    ]);
    expect(client.state).toBe("connected");
    expect(client.id).not.toBe(oldId);
    expect((await client.detailsView()).rooms).toEqual(["lobby"]);
  });

  test("beforeRejoin runs on the new connection before it rejoins its rooms", async () => {
    let roomsBeforeRejoin: string[] | undefined;
    await connect({
      beforeRejoin: async (self) => {
        roomsBeforeRejoin = (await self.detailsView()).rooms;
        await self.action("identify", { user: "ann" });
      },
    });
    await client.roomAdd("lobby");
    const back = reconnected();
    await dropConnection(client);
    await back;
    expect(roomsBeforeRejoin).toEqual([]);
    expect(api.connections.connections[client.id!].session?.user).toBe("ann");
    expect((await client.detailsView()).rooms).toEqual(["lobby"]);
  });

  test("a request while it reconnects rejects at once, even on the new connection; beforeRejoin's, through the client it is given, go out", async () => {
    let early: Promise<string> | undefined;
    let inBeforeRejoin: Promise<string> | undefined;
    const outcome = (request: Promise<unknown>) =>
      request.then(
        () => "sent",
        (error: Error) => error.message,
      );
    await connect({
      beforeRejoin: async (self) => {
        inBeforeRejoin = outcome(client.detailsView());
        await self.detailsView();
      },
    });
    await client.roomAdd("lobby");
    client.once("welcome", () => (early = outcome(client.detailsView())));
    const back = reconnected();
    await dropConnection(client);
    await back;
    expect(await early).toBe("not connected: the client is reconnecting");
    expect(await inBeforeRejoin).toBe(
      "not connected: the client is reconnecting",
    );
    expect(await outcome(client.detailsView())).toBe("sent");
  });

  test("a drop while beforeRejoin awaits something else: only the reconnect that follows rejoins, once", async () => {
    let calls = 0;
    let roomsBeforeLastRejoin: string[] | undefined;
    await connect({
      beforeRejoin: async (self) => {
        if (++calls === 1) {
          const nextWelcome = new Promise((resolve) =>
            self.once("welcome", resolve),
          );
          await dropConnection(self);
          await nextWelcome;
        } else {
          roomsBeforeLastRejoin = (await self.detailsView()).rooms;
        }
      },
    });
    await client.roomAdd("lobby");
    const back = reconnected();
    await dropConnection(client);
    await back;
    // One more answer from the server: a rejoin still under way would have finished by now.
    await client.roomView("lobby");
    expect(calls).toBe(2);
    expect(roomsBeforeLastRejoin).toEqual([]);
    expect(seen.reconnects).toBe(1);
    expect(seen.states).toEqual([
      "connecting",
      "connected",
      "reconnecting",
      "connected",
    ]);
    expect((await client.detailsView()).rooms).toEqual(["lobby"]);
  });

  test("a room it leaves while it rejoins is not rejoined", async () => {
    await connect();
    await client.roomAdd("lobby");
    await client.roomAdd("kitchen");
    const oldId = client.id;
    api.chatRoom.addMiddleware({
      name: closedKitchen,
      join: (connection, room) => {
        // The client leaves the kitchen while the server lets its new connection into the lobby.
        if (room === "lobby" && connection.id !== oldId)
          client.roomLeave("kitchen").catch(() => undefined);
      },
    });
    const back = reconnected();
    await dropConnection(client);
    await back;
    expect([...client.rooms]).toEqual(["lobby"]);
    expect((await client.detailsView()).rooms).toEqual(["lobby"]);
  });

  test("a room the server refuses on rejoining is dropped with rejoinFailed; the others are rejoined", async () => {
    await connect();
    await client.roomAdd("lobby");
    await client.roomAdd("kitchen");
    closeTheKitchen();
    const failed = new Promise<[string, Error]>((resolve) =>
      client.once("rejoinFailed", (room, error) => resolve([room, error])),
    );
    const back = reconnected();
    await dropConnection(client);
    const [room, error] = await failed;
    await back;
    expect(room).toBe("kitchen");
    expect(error.message).toBe("the kitchen is closed");
    expect([...client.rooms]).toEqual(["lobby"]);
    expect((await client.detailsView()).rooms).toEqual(["lobby"]);
  });

  test("close while it rejoins its last room ends it: it never says connected or reconnect again", async () => {
    await connect();
    await client.roomAdd("lobby");
    await client.roomAdd("kitchen");
    closeTheKitchen();
    client.once("rejoinFailed", () => client.close());
    const end = ended();
    await dropConnection(client);
    await end;
    expect(seen.states).toEqual([
      "connecting",
      "connected",
      "reconnecting",
      "disconnected",
    ]);
    expect(seen.reconnects).toBe(0);
  });

  test("a server that welcomes it and drops it every time: the waits grow and it gives up after `retries` tries", async () => {
    const retries = 2;
    let tries = 0;
    const errors: string[] = [];
    await connect({
      reconnect: { ...fastReconnect, retries },
      beforeRejoin: async (self) => {
        // Past the tries it was given, it would go on for ever: stop it here.
        if (++tries > retries) return self.close();
        await dropConnection(self);
      },
    });
    client.on("error", (error) => errors.push(error.message));
    await client.roomAdd("lobby");
    const end = ended();
    await dropConnection(client);
    await end;
    expect(tries).toBe(retries);
    expect(errors).toEqual([`gave up reconnecting after ${retries} tries`]);
    expect(seen.states.at(-1)).toBe("disconnected");
  });

  test("removed from a room by the server (removeMember, destroy), it is told, drops the room and does not rejoin it", async () => {
    await api.chatRoom.add("cellar");
    await connect();
    await client.roomAdd("lobby");
    await client.roomAdd("cellar");
    const notices: MessagePayload[] = [];
    client.on("say", (payload) => notices.push(payload));
    const nextRemoval = () =>
      new Promise<[string, string]>((resolve) =>
        client.once("removed", (room, reason) => resolve([room, reason])),
      );

    let removal = nextRemoval();
    expect(await api.chatRoom.removeMember(client.id!, "lobby")).toBe(true);
    expect(await removal).toEqual(["lobby", "memberRemoved"]);
    removal = nextRemoval();
    await api.chatRoom.destroy("cellar");
    expect(await removal).toEqual(["cellar", "roomDestroyed"]);
    expect([...client.rooms]).toEqual([]);
    expect(notices).toEqual([
      {
        message: 'removed from room "lobby"',
        room: "lobby",
        from: "0",
        context: "user",
        sentAt: expect.any(Number),
        notice: "memberRemoved",
      },
      {
        message: 'room "cellar" was destroyed',
        room: "cellar",
        from: "0",
        context: "user",
        sentAt: expect.any(Number),
        notice: "roomDestroyed",
      },
    ]);

    const back = reconnected();
    await dropConnection(client);
    await back;
    expect((await client.detailsView()).rooms).toEqual([]);
  });

  test("close while it waits to reconnect ends it at once, and it tries no more", async () => {
    const wait = 50;
    await connect({ reconnect: { minDelay: wait, maxDelay: wait } });
    let tries = 0;
    const transport = client as unknown as { openTransport(): void };
    const openTransport = transport.openTransport.bind(client);
    transport.openTransport = () => {
      tries++;
      openTransport();
    };
    const reconnecting = new Promise<void>((resolve) =>
      client.on("state", (state) => state === "reconnecting" && resolve()),
    );
    await dropConnection(client);
    await reconnecting;
    const end = ended();
    client.close();
    await end;
    // Timers fire in the order they fall due: when this one does, the longest wait the client
    // could have drawn before its next try is over, so a try it still made would have begun.
    await new Promise((resolve) => setTimeout(resolve, wait));
    expect(tries).toBe(0);
    expect(client.state).toBe("disconnected");
    expect(seen.states.at(-1)).toBe("disconnected");
  });
});
