import type { Redis } from "ioredis";
import { writeArtifact } from "../helpers/artifacts";
import { ClusterNode } from "../helpers/clusterNode";
import { RedisServer } from "../helpers/redisServer";
import { WebsocketTestClient } from "../helpers/websocketClient";

// CRASH_CYCLES and CRASH_CLIENTS_PER_NODE make the run longer or larger; the figures go to __tests__/artifacts/crash.json.
const nodeTimeout = 1000;
const cycles = Number(process.env.CRASH_CYCLES ?? 3);
const clientsPerNode = Number(process.env.CRASH_CLIENTS_PER_NODE ?? 10);
const rooms = ["crash-1", "crash-2", "crash-3"];
const titles = ["node-a", "node-b", "node-c"];
const env = {
  CHAT_NODE_TIMEOUT: String(nodeTimeout),
  CHAT_PRESENCE_EVENTS: "true",
};

/** A presence event of a connection's leave (the presence key is the connection id), a reaped member's included. */
const isLeftNotice = (message: Record<string, any>, room: string, id: string) =>
  message.context === "presence" &&
  message.room === room &&
  message.event === "leave" &&
  message.key === id;

describe("a node killed with SIGKILL", () => {
  let redisServer: RedisServer;
  let redis: Redis;
  const nodes: ClusterNode[] = [];
  const clients: WebsocketTestClient[][] = [];

  async function connectAndJoin(node: ClusterNode) {
    const connected = await Promise.all(
      Array.from({ length: clientsPerNode }, () =>
        WebsocketTestClient.connect(node.url),
      ),
    );
    for (const client of connected)
      for (const room of rooms)
        expect((await client.roomAdd(room)).status).toBe("OK");
    return connected;
  }

  const memberIdsOn = async (client: WebsocketTestClient, room: string) =>
    Object.keys(
      (await client.action("chatRoomStatus", { room })).result.members,
    ).sort();

  beforeAll(async () => {
    redisServer = await RedisServer.start();
    redis = redisServer.client();
    for (const title of titles)
      nodes.push(await ClusterNode.start(title, redisServer.port, env));
    const first = await WebsocketTestClient.connect(nodes[0].url);
    for (const room of rooms) await first.action("chatAdd", { room });
    first.disconnect();
    for (const node of nodes) clients.push(await connectAndJoin(node));
  }, 60_000);

  afterAll(async () => {
    clients.flat().forEach((client) => client.disconnect());
    await Promise.all(nodes.map((node) => node.stop()));
    redis?.disconnect();
    await redisServer?.stop();
  });

  test(
    `its members are reaped by the survivors within nodeTimeout + 5 s, each once, over ${cycles} crash and restart cycles`,
    async () => {
      const figures: { cycle: number; reaped: number; ms: number }[] = [];
      for (let cycle = 0; cycle < cycles; cycle++) {
        const victim = cycle % nodes.length;
        const survivors = [0, 1, 2].filter((n) => n !== victim);
        const watchers = survivors.map((n) => clients[n][0]);
        const deadIds = clients[victim].map((client) => client.id);
        const liveIds = survivors
          .flatMap((n) => clients[n].map((client) => client.id))
          .sort();

        const killedAt = Date.now();
        await nodes[victim].kill();
        clients[victim].forEach((client) => client.disconnect());
        // Every survivor hears every dead member leave every room.
        await Promise.all(
          watchers.flatMap((watcher) =>
            rooms.flatMap((room) =>
              deadIds.map((id) =>
                watcher.waitFor(
                  (message) => isLeftNotice(message, room, id),
                  `${id} leaving ${room}`,
                ),
              ),
            ),
          ),
        );
        const ms = Date.now() - killedAt;
        figures.push({ cycle, reaped: deadIds.length * rooms.length, ms });
        expect(ms).toBeLessThan(nodeTimeout + 5000);

        for (const room of rooms)
          for (const watcher of watchers)
            expect(await memberIdsOn(watcher, room)).toEqual(liveIds);
        // The dead node's registration went with its members.
        expect(await redis.scard("ah-chat:nodes")).toBe(survivors.length);

        // Each survivor's messages arrive in order: once its marker is heard, any second leave notice it sent would have been too.
        for (const [position, watcher] of watchers.entries())
          await watcher.say(rooms[0], `marker ${cycle} ${position}`);
        for (const watcher of watchers) {
          for (const position of watchers.keys())
            await watcher.hears(rooms[0], `marker ${cycle} ${position}`);
          for (const room of rooms)
            for (const id of deadIds)
              expect(
                watcher.received.filter((message) =>
                  isLeftNotice(message, room, id),
                ),
              ).toHaveLength(1);
        }

        // Restarted on the same ports it is a new node; the next cycle (which waits longer than
        // nodeTimeout) checks that its members are never taken for the dead node's.
        nodes[victim] = await ClusterNode.start(
          titles[victim],
          redisServer.port,
          env,
          nodes[victim].ports,
        );
        clients[victim] = await connectAndJoin(nodes[victim]);
      }
      const live = clients
        .flat()
        .map((client) => client.id)
        .sort();
      for (const room of rooms)
        expect(await memberIdsOn(clients[0][0], room)).toEqual(live);
      writeArtifact("crash", { nodeTimeout, clientsPerNode, figures });
    },
    60_000 + cycles * 20_000,
  );
});
