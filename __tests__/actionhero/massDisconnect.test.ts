import { api, Process, type Connection } from "actionhero";
import { webUrl } from "../helpers/actionheroApp";
import { RawWebsocket } from "../helpers/rawWebsocket";
import type { WebsocketServer } from "../../adapter/websocketServer";

/** Resolves once `done()` holds, checking every few milliseconds. */
async function until(done: () => boolean | Promise<boolean>, what: string) {
  const deadline = Date.now() + 60_000;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
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
  // In groups, so that the node is not asked for hundreds of handshakes in one turn.
  while (clients.length < count)
    clients.push(
      ...(await Promise.all(
        Array.from({ length: Math.min(50, count - clients.length) }, () =>
          RawWebsocket.connect(webUrl()),
        ),
      )),
    );
  await until(
    () => websocketConnections().length === count,
    `${count} websocket connections`,
  );
  for (const connection of websocketConnections())
    await api.chatRoom.addMember(connection.id, "lobby");
  const looks = countLooksAtSparks(websocketConnections());
  for (const client of clients) client.end();
  await until(
    () => websocketConnections().length === 0,
    "every connection destroyed",
  );
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
