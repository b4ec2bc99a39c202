import { api, Process, type Connection } from "actionhero";
import { webUrl } from "../helpers/actionheroApp";
import { RawWebsocket } from "../helpers/rawWebsocket";
import type { WebsocketServer } from "../../adapter/websocketServer";

/** Resolves once actionhero's websocket server has built `count` more connections. */
function connectionsBuilt(count: number) {
  const server = api.servers.servers.websocket as unknown as WebsocketServer;
  return new Promise<void>((resolve) => {
    let built = 0;
    const onConnection = () => {
      if (++built < count) return;
      server.off("connection", onConnection);
      resolve();
    };
    server.on("connection", onConnection);
  });
}

/** Resolves once each of these connections has been destroyed, its rooms left. */
function destroyed(connections: readonly Connection[]) {
  return Promise.all(
    connections.map(
      (connection) =>
        new Promise<void>((resolve) => {
          const destroy = connection.destroy.bind(connection);
          connection.destroy = async () => {
            await destroy();
            resolve();
          };
        }),
    ),
  );
}

function websocketConnections(): Connection[] {
  return Object.values(api.connections.connections).filter(
    (connection) => connection.type === "websocket",
  );
}

/**
 * Counts every look at a connection's spark (`connection.rawConnection`): how actionhero's
 * disconnection path tells the connection of a spark from the others.
 */
function countLooksAtSparks(connections: readonly Connection[]) {
  let looks = 0;
  for (const connection of connections) {
    const spark: unknown = connection.rawConnection;
    Object.defineProperty(connection, "rawConnection", {
      configurable: true,
      get: () => {
        looks++;
        return spark;
      },
    });
  }
  return () => looks;
}

/**
 * Connects `count` websockets, each a member of the lobby, closes them all at once, and waits until
 * the node has destroyed every connection. Returns how often their sparks were looked at meanwhile.
 */
async function looksWhenAllDrop(count: number): Promise<number> {
  const clients: RawWebsocket[] = [];
  const built = connectionsBuilt(count);
  // In groups, so that the node is not asked for hundreds of handshakes in one turn.
  while (clients.length < count)
    clients.push(
      ...(await Promise.all(
        Array.from({ length: Math.min(50, count - clients.length) }, () =>
          RawWebsocket.connect(webUrl()),
        ),
      )),
    );
  await built;
  const connections = websocketConnections();
  expect(connections).toHaveLength(count);
  for (const connection of connections)
    await api.chatRoom.addMember(connection.id, "lobby");
  const looks = countLooksAtSparks(connections);
  const allDestroyed = destroyed(connections);
  for (const client of clients) client.end();
  await allDestroyed;
  expect(websocketConnections()).toHaveLength(0);
  expect((await api.chatRoom.roomStatus("lobby")).membersCount).toBe(0);
  return looks();
}

describe("websocket connections that all drop at once", () => {
  const actionhero = new Process();
  let leaves: string[];

  beforeAll(async () => {
    await actionhero.start();
    await api.chatRoom.add("lobby");
    api.chatRoom.addMiddleware({
      name: "count leaves",
      leave: (connection) => void leaves.push(connection.id),
    });
  });
  beforeEach(() => {
    leaves = [];
  });
  afterAll(() => actionhero.stop());

  test("are each looked up once: the work grows as the connections do, not as their square", async () => {
    const looksFor200 = await looksWhenAllDrop(200);
    expect(new Set(leaves).size).toBe(200);
    expect(leaves).toHaveLength(200);
    const looksFor500 = await looksWhenAllDrop(500);
    expect(looksFor500 / looksFor200).toBeLessThanOrEqual(2.5);
    expect(looksFor500).toBeLessThanOrEqual(500 * 5);
  });

  test("actionhero's own scan, which the plugin replaces, would have looked at them N² times", async () => {
    const server = api.servers.servers.websocket as unknown as WebsocketServer;
    const patched = server.handleDisconnection;
    server.handleDisconnection =
      Object.getPrototypeOf(server).handleDisconnection;
    try {
      const looksFor200 = await looksWhenAllDrop(200);
      const looksFor500 = await looksWhenAllDrop(500);
      expect(looksFor500 / looksFor200).toBeGreaterThan(4);
    } finally {
      server.handleDisconnection = patched;
    }
  });
});
