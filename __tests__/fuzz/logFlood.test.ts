import { ClusterNode } from "../helpers/clusterNode";
import { LineClient } from "../helpers/lineClient";
import { PrometheusScrape } from "../helpers/prometheusText";
import { RedisServer } from "../helpers/redisServer";
import { WebsocketTestClient } from "../helpers/websocketClient";

const flooders = 1000;
// One say a second after a burst of 5: a connection that sends 12 at once is a flooder, however slowly a busy node reads them.
const sayBurst = 5;
const saysPerConnection = 12;

describe(`${flooders} socket connections that flood`, () => {
  let redisServer: RedisServer;
  let node: ClusterNode;

  beforeAll(async () => {
    redisServer = await RedisServer.start();
    node = await ClusterNode.start("log-flood", redisServer.port, {
      CHAT_SAY_BURST: String(sayBurst),
      CHAT_MAX_SAYS_PER_SECOND: "1",
    });
    const admin = await WebsocketTestClient.connect(node.url);
    for (let n = 0; n < flooders; n++)
      await admin.action("chatAdd", { room: `flood-${n}` });
    admin.disconnect();
  }, 60_000);
  afterAll(async () => {
    await node?.stop();
    await redisServer?.stop();
  });

  test("are each closed and counted, while the plugin's log gets at most a few hundred lines", async () => {
    const printedBefore = node.output.length;
    for (let batch = 0; batch < flooders; batch += 100) {
      const clients = await Promise.all(
        Array.from({ length: 100 }, () => LineClient.connect(node.socketPort)),
      );
      clients.forEach((client, n) => {
        const room = `flood-${batch + n}`;
        client.write(
          `roomAdd ${room}\n` + `say ${room} flood\n`.repeat(saysPerConnection),
        );
      });
      await Promise.all(clients.map((client) => client.closed));
    }
    const metrics = await PrometheusScrape.of(`${node.url}/api/chat/metrics`);
    expect(
      metrics.value("ah_chat_connections_closed_total", { reason: "flood" }),
    ).toBe(flooders);
    expect(
      metrics.value("ah_chat_refusals_total", {
        request: "say",
        code: "RATE_LIMITED",
      }),
    ).toBeGreaterThanOrEqual(flooders * sayBurst);
    const pluginLines = node.output
      .slice(printedBefore)
      .split("\n")
      .filter((line) => line.includes("[chat]"));
    expect(pluginLines.length).toBeGreaterThan(0);
    expect(pluginLines.length).toBeLessThanOrEqual(300);
    expect(node.alive).toBe(true);
  }, 120_000);
});
