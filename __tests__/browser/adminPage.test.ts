import * as fs from "fs";
import * as path from "path";
import type { Browser, Page } from "playwright-core";
import type { AdminRedis } from "../../adapter/adminRedis";
import type { ClusterReport } from "../../src/admin/clusterReport";
import { artifactsDirectory as artifacts } from "../helpers/artifacts";
import { launchChromium } from "../helpers/chromium";
import { ClusterNode } from "../helpers/clusterNode";
import { TestCluster } from "../helpers/testCluster";
import type { WebsocketTestClient } from "../helpers/websocketClient";

const token = "admin-test-token";
const adminPath = "/chat-admin";

describe("the chat admin page, on two actionhero nodes, in headless Chromium", () => {
  let cluster: TestCluster;
  let browser: Browser;
  let page: Page;
  /** alice and carol are on node a, bob on node b. */
  let alice: WebsocketTestClient;
  let bob: WebsocketTestClient;
  let carol: WebsocketTestClient;

  beforeAll(async () => {
    cluster = await TestCluster.start(["admin-a", "admin-b"], undefined, {
      CHAT_ADMIN_TOKEN: token,
    });
    [alice, bob, carol] = await cluster.connectClients(3);
    await alice.action("chatAdd", { room: "lobby" });
    await alice.action("chatAdd", { room: "support" });
    for (const client of [alice, bob]) await client.roomAdd("lobby");
    await carol.roomAdd("support");
    await alice.say("lobby", "good morning");
    await bob.say("lobby", "morning!");
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    // A wait that fails does so well before the test's own timeout, so that the step saves its screenshot.
    page.setDefaultTimeout(15_000);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await cluster?.stop();
  });

  const [nodeA, nodeB] = [0, 1];
  const adminUrl = (node = nodeA) => `${cluster.nodes[node].url}${adminPath}`;
  const api = (route: string, init: RequestInit = {}, node = nodeA) =>
    fetch(`${adminUrl(node)}/api/${route}`, init);
  const bearer = (secret: string) => ({ authorization: `Bearer ${secret}` });
  const roomStatus = async (room: string) =>
    (await alice.action("chatRoomStatus", { room })) as {
      result?: { members: Record<string, unknown> };
      error?: string;
    };

  /** Each step; when one fails, what the page showed is saved in __tests__/artifacts. */
  const step = (name: string, body: () => Promise<void>) =>
    test(name, async () => {
      try {
        await body();
      } catch (error) {
        fs.mkdirSync(artifacts, { recursive: true });
        await page.screenshot({
          path: path.join(artifacts, `admin-${name.replace(/\W+/g, "-")}.png`),
          fullPage: true,
        });
        throw error;
      }
    });

  const nodeRow = (title: string) =>
    page.locator("#nodes tbody tr", { hasText: title });
  const roomRow = (room: string) =>
    page.locator(`#rooms tr[data-room="${room}"]`);
  const memberRow = (id: string) =>
    page.locator(`#members tr[data-member-id="${id}"]`);
  const confirmButton = () => page.locator("#confirm-ok");

  step(
    "without the token the page is a log-in form, and the API refuses (401) even a well-formed action",
    async () => {
      const pageResponse = await fetch(adminUrl());
      expect(pageResponse.status).toBe(401);
      expect(await pageResponse.text()).toContain(
        `action="${adminPath}/log-in"`,
      );

      const cluster401 = await api("cluster");
      expect(cluster401.status).toBe(401);
      expect(cluster401.headers.get("www-authenticate")).toMatch(/^Bearer/);
      expect(((await cluster401.json()) as { error: string }).error).toMatch(
        /admin token/,
      );

      for (const headers of [{}, bearer("not-the-token")]) {
        const destroy = await api("rooms/lobby/destroy", {
          method: "POST",
          headers: { ...headers, "content-type": "application/json" },
          body: "{}",
        });
        expect(destroy.status).toBe(401);
      }
      expect(Object.keys((await roomStatus("lobby")).result!.members)).toEqual(
        expect.arrayContaining([alice.id, bob.id]),
      );
    },
  );

  step(
    "with the bearer token the API answers for the whole cluster from either node",
    async () => {
      for (const node of [nodeA, nodeB]) {
        const response = await api("cluster", { headers: bearer(token) }, node);
        expect(response.status).toBe(200);
        const report = (await response.json()) as ClusterReport & {
          redis: AdminRedis;
        };
        expect(
          report.nodes.map((entry) => entry.answered && entry.serverId),
        ).toEqual(expect.arrayContaining(["admin-a", "admin-b"]));
        const lobby = report.rooms.find((room) => room.room === "lobby");
        expect(lobby).toMatchObject({ members: 2, messagesPerMinute: 2 });
        expect(report.redis).toMatchObject({ mode: "single", reachable: true });
      }
      // A form from another site cannot send JSON without a preflight: a body that is not JSON is refused.
      const asForm = await api("rooms/lobby/destroy", {
        method: "POST",
        headers: {
          ...bearer(token),
          "content-type": "application/x-www-form-urlencoded",
        },
        body: "confirm=yes",
      });
      expect(asForm.status).toBe(415);
      expect((await roomStatus("lobby")).result).toBeDefined();
    },
  );

  step(
    "a wrong token on the log-in form is refused with a clear message",
    async () => {
      await page.goto(adminUrl());
      await page.fill("#token", "a wrong guess");
      const [response] = await Promise.all([
        page.waitForResponse(`${adminUrl()}/log-in`),
        page.click("#log-in"),
      ]);
      expect(response.status()).toBe(401);
      await page
        .locator("#log-in-error", { hasText: "That token is not right" })
        .waitFor();
    },
  );

  step(
    "logged in with the token, the page shows both nodes and the rooms with members and message rates",
    async () => {
      await page.fill("#token", token);
      await page.click("#log-in");
      await page.locator('#status[data-state="live"]').waitFor();
      const [cookie] = await page.context().cookies();
      expect(cookie).toMatchObject({
        path: adminPath,
        httpOnly: true,
        sameSite: "Strict",
      });
      expect(cookie.value).not.toContain(token);

      // alice and carol on node a: 2 connections, 2 memberships; bob on node b: 1 and 1.
      await nodeRow("admin-a")
        .locator(".memberships", { hasText: "2" })
        .waitFor();
      await nodeRow("admin-b")
        .locator(".memberships", { hasText: "1" })
        .waitFor();
      await nodeRow("admin-a")
        .locator(".connections", { hasText: "2 websocket" })
        .waitFor();
      await nodeRow("admin-a")
        .locator(".pill", { hasText: "this page" })
        .waitFor();
      expect(await roomRow("lobby").locator(".members").textContent()).toBe(
        "2",
      );
      expect(await roomRow("lobby").locator(".rate").textContent()).toBe("2");
      expect(await roomRow("support").locator(".members").textContent()).toBe(
        "1",
      );
      expect(await page.locator("#redis").textContent()).toContain(
        `127.0.0.1:${cluster.redisServer.port}`,
      );
    },
  );

  step(
    "a room opens with each member, what is stored of it and its node",
    async () => {
      await roomRow("lobby").click();
      await memberRow(alice.id).waitFor();
      expect(await memberRow(alice.id).textContent()).toContain("admin-a");
      expect(await memberRow(bob.id).textContent()).toContain("admin-b");
      expect(await page.locator("#room-count").textContent()).toBe("2 members");
    },
  );

  step(
    "removing a member asks first: cancelled it does nothing, confirmed the member is out and told",
    async () => {
      await memberRow(bob.id).locator(".remove").click();
      await page.locator("#confirm-title", { hasText: bob.id }).waitFor();
      await page.click("#confirm-cancel");
      await page.locator("#confirm").waitFor({ state: "hidden" });
      expect(
        Object.keys((await roomStatus("lobby")).result!.members),
      ).toContain(bob.id);

      const told = bob.waitFor(
        (message) =>
          message.notice === "memberRemoved" && message.room === "lobby",
      );
      await memberRow(bob.id).locator(".remove").click();
      await confirmButton().click();
      await told;
      await memberRow(bob.id).waitFor({ state: "detached" });
      expect(Object.keys((await roomStatus("lobby")).result!.members)).toEqual([
        alice.id,
      ]);
      await page.locator("#toast", { hasText: `Removed ${bob.id}` }).waitFor();
    },
  );

  step(
    "a broadcast, once confirmed, reaches the room's members as from the server",
    async () => {
      await page.fill("#broadcast-text", "maintenance at noon");
      await page.click("#broadcast");
      await page
        .locator("#confirm-text", { hasText: "maintenance at noon" })
        .waitFor();
      const heard = alice.hears("lobby", "maintenance at noon");
      await confirmButton().click();
      expect((await heard).from).toBe("0");
      expect(carol.heard("lobby", "maintenance at noon")).toBe(false);
    },
  );

  step(
    "destroying the room needs its name typed; then every member is out and told, and the room is gone",
    async () => {
      await page.click("#destroy");
      expect(await confirmButton().isDisabled()).toBe(true);
      await page.fill("#confirm-typed", "lobb");
      expect(await confirmButton().isDisabled()).toBe(true);
      await page.fill("#confirm-typed", "lobby");
      const told = alice.waitFor(
        (message) =>
          message.notice === "roomDestroyed" && message.room === "lobby",
      );
      await confirmButton().click();
      await told;
      await roomRow("lobby").waitFor({ state: "detached" });
      await page.locator("#no-room").waitFor();
      expect((await roomStatus("lobby")).error).toMatch(/lobby/);
      await roomRow("support").waitFor();
    },
  );

  step(
    "logging out ends the session: the page asks for the token again",
    async () => {
      await page.click("#log-out");
      await page.locator("#token").waitFor();
      expect(await page.context().cookies()).toEqual([]);
    },
  );

  step(
    "a node without an admin token serves no page: the path is actionhero's",
    async () => {
      const plain = await ClusterNode.start(
        "admin-off",
        cluster.redisServer.port,
      );
      try {
        const [adminPage, unknown] = await Promise.all([
          fetch(`${plain.url}${adminPath}`),
          fetch(`${plain.url}/no-such-page`),
        ]);
        expect(adminPage.status).toBe(unknown.status);
        expect(await adminPage.text()).not.toContain("log-in");
        const adminApi = await fetch(`${plain.url}${adminPath}/api/cluster`, {
          headers: bearer(token),
        });
        expect(adminApi.status).toBe(unknown.status);
      } finally {
        await plain.stop();
      }
    },
  );
});
