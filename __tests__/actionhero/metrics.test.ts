import { api, Process, type Connection } from "actionhero";
import { socketPort, webUrl } from "../helpers/actionheroApp";
import { LineClient } from "../helpers/lineClient";
import { PrometheusScrape } from "../helpers/prometheusText";
import { RawWebsocket } from "../helpers/rawWebsocket";
import { WebsocketTestClient } from "../helpers/websocketClient";

const actionhero = new Process();
let alice: WebsocketTestClient;
let bob: LineClient;

const scrape = () => PrometheusScrape.of(`${webUrl()}/api/chat/metrics`);

/** The families every operator's dashboards and alerts may rely on. */
const families = {
  gauge: [
    "ah_chat_connections",
    "ah_chat_rooms",
    "ah_chat_memberships",
    "ah_chat_nodes",
    "ah_chat_available",
    "ah_chat_redis_info",
  ],
  counter: [
    "ah_chat_messages_said_total",
    "ah_chat_deliveries_total",
    "ah_chat_refusals_total",
    "ah_chat_connections_closed_total",
    "ah_chat_messages_dropped_total",
    "ah_chat_outages_total",
    "ah_chat_recoveries_total",
    "ah_chat_members_reaped_total",
    "ah_chat_presence_events_total",
    "ah_chat_history_reads_total",
    "ah_chat_history_recoveries_total",
  ],
  histogram: [
    "ah_chat_delivery_latency_seconds",
    "ah_chat_outage_duration_seconds",
    "ah_chat_recovery_duration_seconds",
  ],
};

describe("chat's Prometheus metrics and health on actionhero's web server", () => {
  beforeAll(async () => {
    await actionhero.start();
    await api.chatRoom.add("lobby");
    alice = await WebsocketTestClient.connect(webUrl());
    bob = await LineClient.connect(socketPort());
    await alice.roomAdd("lobby");
    await bob.request("roomAdd lobby", 1);
  });
  afterAll(async () => {
    alice.disconnect();
    bob.socket.destroy();
    await api.chatRoom.destroy("lobby").catch(() => undefined);
    await actionhero.stop();
  });

  test("every family is prefixed ah_chat_, has HELP, and is named by Prometheus' rules, in its text format", async () => {
    const metrics = await scrape();
    expect(metrics.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    const served = metrics.families();
    for (const [type, names] of Object.entries(families))
      for (const name of names)
        expect({ name, ...served.get(name) }).toEqual({
          name,
          type,
          help: expect.stringMatching(/\w/),
        });
    for (const [name, { type }] of served) {
      expect(name).toMatch(/^ah_chat_[a-z_]+$/);
      if (type === "counter") expect(name).toMatch(/_total$/);
      if (type === "histogram") expect(name).toMatch(/_seconds$/);
    }
  });

  test("the node's connections, rooms, memberships, nodes, availability and Redis mode are gauges", async () => {
    const metrics = await scrape();
    expect(
      metrics.value("ah_chat_connections", { transport: "websocket" }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      metrics.value("ah_chat_connections", { transport: "socket" }),
    ).toBeGreaterThanOrEqual(1);
    expect(metrics.value("ah_chat_rooms")).toBe(1);
    expect(metrics.value("ah_chat_memberships")).toBe(2);
    expect(metrics.value("ah_chat_nodes")).toBe(1);
    expect(metrics.value("ah_chat_available")).toBe(1);
    expect(metrics.value("ah_chat_redis_info", { mode: "memory" })).toBe(1);
  });

  test("a say over each transport counts as said by that transport, with its deliveries and their latency", async () => {
    const before = await scrape();
    await alice.say("lobby", "from the page");
    await bob.request("say lobby from the terminal", 2);
    await Promise.all([
      alice.hears("lobby", "from the terminal"),
      bob.hears("lobby", "from the page"),
    ]);
    await bob.hears("lobby", "from the terminal");
    const after = await scrape();
    const grew = (name: string, labels?: Record<string, string>) =>
      after.value(name, labels) - before.value(name, labels);
    expect(
      grew("ah_chat_messages_said_total", { transport: "websocket" }),
    ).toBe(1);
    expect(grew("ah_chat_messages_said_total", { transport: "socket" })).toBe(
      1,
    );
    expect(grew("ah_chat_deliveries_total")).toBe(4);
    expect(grew("ah_chat_delivery_latency_seconds_count")).toBe(2);
    expect(
      after.value("ah_chat_delivery_latency_seconds_bucket", { le: "+Inf" }),
    ).toBe(after.value("ah_chat_delivery_latency_seconds_count"));
  });

  test("broadcast from server code counts as said by the server", async () => {
    const before = await scrape();
    await api.chatRoom.broadcast({}, "lobby", "from the server");
    await alice.hears("lobby", "from the server");
    const after = await scrape();
    expect(
      after.value("ah_chat_messages_said_total", { transport: "server" }) -
        before.value("ah_chat_messages_said_total", { transport: "server" }),
    ).toBe(1);
  });

  test("refused says and joins are counted by error code, a middleware's own refusal as MIDDLEWARE_REFUSED", async () => {
    api.chatRoom.addMiddleware({
      name: "no vault",
      join: (_connection, room) => {
        if (room === "vault") throw new Error("the vault is closed");
      },
    });
    await api.chatRoom.add("vault");
    const before = await scrape();
    try {
      expect((await bob.request("roomAdd nowhere", 3)).error).toMatch(
        /does not exist/,
      );
      expect((await bob.request("roomAdd vault", 4)).error).toBe(
        "the vault is closed",
      );
      expect((await bob.request("say kitchen hello", 5)).error).toMatch(
        /is not a member/,
      );
    } finally {
      api.chatRoom.removeMiddleware("no vault");
      await api.chatRoom.destroy("vault");
    }
    const after = await scrape();
    const refused = (request: string, code: string) =>
      after.value("ah_chat_refusals_total", { request, code }) -
      before.value("ah_chat_refusals_total", { request, code });
    expect(refused("join", "ROOM_NOT_FOUND")).toBe(1);
    expect(refused("join", "MIDDLEWARE_REFUSED")).toBe(1);
    expect(refused("say", "NOT_A_MEMBER")).toBe(1);
  });

  test("a websocket ws closes for a frame larger than maxLength is counted as closed for frame_too_large", async () => {
    const closed = async () =>
      (await scrape()).value("ah_chat_connections_closed_total", {
        reason: "frame_too_large",
      });
    const before = await closed();
    const built = new Promise<Connection>((resolve) =>
      api.servers.servers.websocket.once("connection", resolve),
    );
    const raw = await RawWebsocket.connect(webUrl());
    const connection = await built;
    // Counted as ws reports the frame, before the node destroys the connection.
    const destroy = connection.destroy.bind(connection);
    const destroyed = new Promise<void>(
      (resolve) => (connection.destroy = () => destroy().then(resolve)),
    );
    raw.writeText(
      `{"event":"say","room":"lobby","message":"${"x".repeat(11 * 1024 * 1024)}"}`,
    );
    await Promise.all([raw.ended, destroyed]);
    expect((await closed()) - before).toBe(1);
  });

  test("GET /api/chat/health answers 200 with the node's id, Redis mode and live nodes while chat is available", async () => {
    const response = await fetch(`${webUrl()}/api/chat/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      available: true,
      nodeId: expect.stringMatching(/#[0-9a-f]{8}$/),
      redis: { mode: "memory" },
      nodes: 1,
    });
  });

  test("the plugin's paths answer GET only; every other path is actionhero's as before", async () => {
    const post = await fetch(`${webUrl()}/api/chat/metrics`, {
      method: "POST",
    });
    expect(post.status).toBe(405);
    const other = await fetch(`${webUrl()}/api/chat/elsewhere`);
    expect(other.status).toBe(404);
    expect(await other.json()).toMatchObject({
      error: "unknown action or invalid apiVersion",
    });
  });
});
