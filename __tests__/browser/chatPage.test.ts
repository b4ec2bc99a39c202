import * as fs from "fs";
import * as path from "path";
import { chromium, type Browser, type Page } from "playwright-core";
import { ChatSocketClient } from "../../src";
import { artifactsDirectory as artifacts } from "../helpers/artifacts";
import { DemoApp } from "../helpers/demoApp";

describe("the demo's chat page in headless Chromium", () => {
  let demo: DemoApp;
  let browser: Browser;
  let alice: Page;
  let bob: Page;

  beforeAll(async () => {
    demo = await DemoApp.start();
    browser = await chromium.launch({
      executablePath: "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    [alice, bob] = await Promise.all([openChat(), openChat()]);
  });

  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
  });

  /** Each step; when one fails, what both pages showed is saved in __tests__/artifacts. */
  const step = (name: string, body: () => Promise<void>) =>
    test(name, async () => {
      try {
        await body();
      } catch (error) {
        fs.mkdirSync(artifacts, { recursive: true });
        const file = name.replace(/\W+/g, "-");
        await alice.screenshot({
          path: path.join(artifacts, `${file}-alice.png`),
        });
        await bob.screenshot({ path: path.join(artifacts, `${file}-bob.png`) });
        throw error;
      }
    });

  async function openChat() {
    const page = await browser.newPage();
    await page.goto(demo.url);
    await page.locator("#status").filter({ hasText: "connected as" }).waitFor();
    await page.locator('.room[data-room="lobby"]').waitFor();
    return page;
  }

  const connectionId = (page: Page) =>
    page.locator("body").getAttribute("data-connection-id") as Promise<string>;
  const room = (page: Page, name: string) =>
    page.locator(`.room[data-room="${name}"]`);
  const say = async (page: Page, roomName: string, text: string) => {
    await room(page, roomName).locator(".say-text").fill(text);
    await room(page, roomName).locator(".say button").click();
  };
  /** Types into a field, then presses a button, as a person would. */
  const enter = async (
    page: Page,
    field: string,
    value: string,
    button: string,
  ) => {
    await page.fill(field, value);
    await page.click(button);
  };

  step(
    "two pages in the lobby see each other as members and chat",
    async () => {
      const bobId = await connectionId(bob);
      await room(alice, "lobby")
        .locator(".members li", { hasText: bobId })
        .waitFor();
      await say(alice, "lobby", "hello from alice");
      await room(bob, "lobby")
        .locator(".messages li", { hasText: "hello from alice" })
        .waitFor();
      await say(bob, "lobby", "hi alice");
      await room(alice, "lobby")
        .locator(".messages li", { hasText: "hi alice" })
        .waitFor();
    },
  );

  step(
    "a TCP client in the room is heard by both pages and hears them",
    async () => {
      const tcp = new ChatSocketClient({ port: demo.socketPort });
      await tcp.connect();
      try {
        await tcp.roomAdd("lobby");
        await room(alice, "lobby")
          .locator(".members li", { hasText: tcp.id! })
          .waitFor();
        await tcp.say("lobby", "hello from telnet land");
        await room(alice, "lobby")
          .locator(".messages li", { hasText: "hello from telnet land" })
          .waitFor();
        await room(bob, "lobby")
          .locator(".messages li", { hasText: "hello from telnet land" })
          .waitFor();
        const heard = tcp.nextSay((message) => message.message === "hello tcp");
        await say(bob, "lobby", "hello tcp");
        expect((await heard).from).toBe(await connectionId(bob));
      } finally {
        tcp.close();
      }
      await room(bob, "lobby")
        .locator(".members li", { hasText: tcp.id! })
        .waitFor({ state: "detached" });
    },
  );

  step(
    "the authenticated room refuses until the page logs in, then admits it",
    async () => {
      await enter(alice, "#room-name", "private:staff", "#join");
      await alice
        .locator("#error")
        .filter({ hasText: 'room "private:staff" needs you to log in first' })
        .waitFor();
      expect(await room(alice, "private:staff").count()).toBe(0);
      await enter(alice, "#password", "wrong", "#log-in");
      await alice
        .locator("#error")
        .filter({ hasText: "wrong password" })
        .waitFor();
      await alice.fill("#name", "Alice");
      await enter(alice, "#password", "secret", "#log-in");
      await alice.locator("#logged-in").waitFor();
      // The password does not stay in its field, and the log shows the log-in without it.
      expect(await alice.inputValue("#password")).toBe("");
      expect(demo.output).toMatch(/logIn.*password.*FILTERED/);
      expect(demo.output).not.toContain("secret");
      await alice.click("#join");
      await room(alice, "private:staff").waitFor();
      expect(await alice.locator("#error").isHidden()).toBe(true);
    },
  );

  step(
    "leaving a room takes the member off the other page's list",
    async () => {
      const bobId = await connectionId(bob);
      await room(bob, "lobby").locator(".leave").click();
      await room(bob, "lobby").waitFor({ state: "detached" });
      await room(alice, "lobby")
        .locator(".members li", { hasText: bobId })
        .waitFor({ state: "detached" });
    },
  );

  step("a page can create a room and be in several rooms at once", async () => {
    await enter(bob, "#room-name", "kitchen", "#create");
    await room(bob, "kitchen").waitFor();
    await enter(alice, "#room-name", "kitchen", "#join");
    await say(bob, "kitchen", "in the kitchen");
    await room(alice, "kitchen")
      .locator(".messages li", { hasText: "in the kitchen" })
      .waitFor();
    expect(
      await room(alice, "lobby")
        .locator(".messages li", { hasText: "in the kitchen" })
        .count(),
    ).toBe(0);
    expect(await alice.locator(".room").count()).toBe(3);
    // Alice logged in as "Alice" before joining: the kitchen knows her by name.
    await room(bob, "kitchen")
      .locator(".members li", { hasText: "Alice" })
      .waitFor();
  });

  step(
    "two tabs of one person are one presence: one name in the list, one join",
    async () => {
      const secondTab = await openChat();
      try {
        await secondTab.fill("#name", "Alice");
        await enter(secondTab, "#password", "secret", "#log-in");
        await secondTab.locator("#logged-in").waitFor();
        await enter(secondTab, "#room-name", "kitchen", "#join");
        await room(secondTab, "kitchen")
          .locator(".members li", { hasText: "Alice (you)" })
          .waitFor();
        // Said after the second tab joined: whatever its join caused has reached bob before this.
        await say(secondTab, "kitchen", "from the second tab");
        const kitchen = room(bob, "kitchen");
        await kitchen
          .locator(".messages li", { hasText: "from the second tab" })
          .waitFor();
        expect(
          await kitchen.locator(".members li", { hasText: "Alice" }).count(),
        ).toBe(1);
        expect(
          await kitchen
            .locator(".messages li.notice", { hasText: "Alice joined" })
            .count(),
        ).toBe(1);
      } finally {
        await secondTab.close();
      }
    },
  );

  step(
    "a page joining a room is shown its recent messages, each once, and the others see it arrive",
    async () => {
      const carol = await openChat();
      try {
        const lobby = room(carol, "lobby");
        await lobby
          .locator(".messages li", { hasText: "hello from alice" })
          .waitFor();
        expect(
          await lobby
            .locator(".messages li", { hasText: "hello from alice" })
            .count(),
        ).toBe(1);
        const carolId = await connectionId(carol);
        await room(alice, "lobby")
          .locator(".messages li.notice", {
            hasText: `${carolId.slice(0, 8)} joined`,
          })
          .waitFor();
      } finally {
        await carol.close();
      }
    },
  );
});
