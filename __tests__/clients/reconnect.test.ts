import { api, Process } from "actionhero";
import {
  type ChatClient,
  type ChatClientOptions,
  type ConnectionState,
} from "../../src";
import { nodeClientKinds } from "../helpers/nodeClients";

const actionhero = new Process();

const fastReconnect = { minDelay: 10, maxDelay: 50 };

beforeAll(async () => {
  await actionhero.start();
  await api.chatRoom.add("lobby");
});
afterAll(() => actionhero.stop());

/** The server closes the client's connection, as a restart or a network failure would. */
const dropConnection = (client: ChatClient) =>
  api.connections.connections[client.id!].destroy();

describe.each(nodeClientKinds)("%s", (_kind, newClient) => {
  let client: ChatClient;
  let states: ConnectionState[];

  const connect = async (options: ChatClientOptions = {}) => {
    client = newClient({ reconnect: fastReconnect, ...options });
    states = [];
    client.on("state", (state) => states.push(state));
    await client.connect();
  };
  const reconnected = () =>
    new Promise<void>((resolve) => client.once("reconnect", resolve));

  afterEach(() => client.close());

  test("its state goes connecting, connected; after a drop, reconnecting, then connected, back in its rooms", async () => {
    await connect();
    await client.roomAdd("lobby");
    const oldId = client.id;
    const back = reconnected();
    await dropConnection(client);
    await back;
    expect(states).toEqual([
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

  test("a room the server refuses on rejoining is dropped with rejoinFailed; the others are rejoined", async () => {
    await api.chatRoom.add("kitchen");
    await connect();
    await client.roomAdd("lobby");
    await client.roomAdd("kitchen");
    await api.chatRoom.destroy("kitchen");
    const failed = new Promise<[string, Error]>((resolve) =>
      client.once("rejoinFailed", (room, error) => resolve([room, error])),
    );
    const back = reconnected();
    await dropConnection(client);
    const [room, error] = await failed;
    await back;
    expect(room).toBe("kitchen");
    expect(error.message).toBe('room "kitchen" does not exist');
    expect([...client.rooms]).toEqual(["lobby"]);
    expect((await client.detailsView()).rooms).toEqual(["lobby"]);
  });

  test("close while it waits to reconnect ends it at once, and it tries no more", async () => {
    await connect({ reconnect: { minDelay: 60_000, maxDelay: 60_000 } });
    const reconnecting = new Promise<void>((resolve) =>
      client.on("state", (state) => state === "reconnecting" && resolve()),
    );
    await dropConnection(client);
    await reconnecting;
    const ended = new Promise((resolve) => client.once("end", resolve));
    client.close();
    await ended;
    expect(client.state).toBe("disconnected");
    expect(states.at(-1)).toBe("disconnected");
  });
});
