import { ClusterNode } from "../helpers/clusterNode";
import { PrometheusScrape } from "../helpers/prometheusText";
import { RedisServer } from "../helpers/redisServer";
import { WebsocketTestClient } from "../helpers/websocketClient";

/** The node's health answer: its status and body. */
async function health(node: ClusterNode) {
  const response = await fetch(`${node.url}/api/chat/health`);
  return { status: response.status, body: await response.json() };
}

describe("health, outage metrics and DEBUG=ah-chat:* tracing across a Redis stop and restart", () => {
  let redisServer: RedisServer;
  let node: ClusterNode;

  beforeAll(async () => {
    redisServer = await RedisServer.start();
    node = await ClusterNode.start("health", redisServer.port, {
      DEBUG: "ah-chat:*",
    });
  }, 30_000);
  afterAll(async () => {
    await node?.stop();
    await redisServer?.stop();
  });

  test("503 with the reason while Redis is down, 200 once the node has recovered; the outage is counted and timed", async () => {
    expect(await health(node)).toEqual({
      status: 200,
      body: {
        available: true,
        nodeId: expect.any(String),
        redis: { mode: "single" },
        nodes: 1,
      },
    });

    const unavailable = node.printed("chat is unavailable");
    await redisServer.stop();
    await unavailable;
    expect(await health(node)).toEqual({
      status: 503,
      body: {
        available: false,
        nodeId: expect.any(String),
        redis: { mode: "single" },
        nodes: null,
        reason: "Redis is unreachable",
      },
    });
    const during = await PrometheusScrape.of(`${node.url}/api/chat/metrics`);
    expect(during.value("ah_chat_available")).toBe(0);
    expect(during.value("ah_chat_outages_total")).toBe(1);
    expect(during.value("ah_chat_recoveries_total")).toBe(0);

    const recovered = node.printed("chat recovered");
    await redisServer.launch();
    await recovered;
    expect(await health(node)).toMatchObject({
      status: 200,
      body: { available: true, nodes: 1 },
    });
    const after = await PrometheusScrape.of(`${node.url}/api/chat/metrics`);
    expect(after.value("ah_chat_available")).toBe(1);
    expect(after.value("ah_chat_outages_total")).toBe(1);
    expect(after.value("ah_chat_recoveries_total")).toBe(1);
    expect(after.value("ah_chat_outage_duration_seconds_count")).toBe(1);
    expect(after.value("ah_chat_outage_duration_seconds_sum")).toBeGreaterThan(
      0,
    );
    expect(after.value("ah_chat_recovery_duration_seconds_count")).toBe(1);
    expect(
      after.value("ah_chat_recovery_duration_seconds_sum"),
    ).toBeLessThanOrEqual(after.value("ah_chat_outage_duration_seconds_sum"));
  }, 60_000);

  test("with DEBUG=ah-chat:*, the outage and each recovery step were traced", () => {
    for (const line of [
      "ah-chat:redis outage 1: chat unavailable",
      "ah-chat:redis every Redis connection is ready: recovering",
      "ah-chat:redis recovery: resubscribed",
      "ah-chat:redis recovery: members written back",
      "ah-chat:redis recovery: registered and told the other nodes",
      "ah-chat:redis available again after",
    ])
      expect(node.output).toContain(line);
  });

  test("with DEBUG=ah-chat:*, a join, a say, its delivery and a refusal are traced", async () => {
    const client = await WebsocketTestClient.connect(node.url);
    await client.action("chatAdd", { room: "traced" });
    await client.roomAdd("traced");
    await client.say("traced", "hello");
    await client.hears("traced", "hello");
    await client.say("untraced", "hello");
    client.disconnect();
    expect(node.output).toMatch(/ah-chat:membership room traced: \S+ joined/);
    expect(node.output).toMatch(
      /ah-chat:say room traced: published \d+ bytes from/,
    );
    expect(node.output).toContain("ah-chat:deliver room traced: to 1 members");
    expect(node.output).toContain("ah-chat:say say refused (NOT_A_MEMBER)");
  });
});
