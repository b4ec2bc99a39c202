import * as fs from "fs";
import * as path from "path";
import type { Browser, Page } from "playwright-core";
import { ChatSocketClient } from "../../src";
import { artifactsDirectory as artifacts } from "../helpers/artifacts";
import { launchChromium } from "../helpers/chromium";
import { DemoApp } from "../helpers/demoApp";

describe("the demo's chat page in headless Chromium", () => {
  let demo: DemoApp;
  let browser: Browser;
  let alice: Page;
  let bob: Page;

  beforeAll(async () => {
    demo = await DemoApp.start();
    browser = await launchChromium();
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
        const file = name.replace(/\W+/g, "-");
        await screenshot(alice, `${file}-alice`);
        await screenshot(bob, `${file}-bob`);
        throw error;
      }
    });

  const screenshot = (page: Page, name: string) => {
    fs.mkdirSync(artifacts, { recursive: true });
    return page.screenshot({
      path: path.join(artifacts, `${name}.png`),
      fullPage: true,
    });
  };

  /** A new page (its own browser context: its own storage), connected and in the lobby. */
  async function openChat() {
    const page = await browser.newPage({
      viewport: { width: 1280, height: 800 },
    });
    // A wait that fails does so well before the test's own timeout, so that the step saves its screenshots.
    page.setDefaultTimeout(15_000);
    await page.goto(demo.url);
    await connected(page);
    await room(page, "lobby").waitFor();
    return page;
  }

  const connected = (page: Page) =>
    page.locator('#status[data-state="connected"]').waitFor();
  const room = (page: Page, name: string) =>
    page.locator(`.room[data-room="${name}"]`);
  const roomLink = (page: Page, name: string) =>
    page.locator(`.room-link[data-room="${name}"]`);
  /** A room's messages, shown or not (a room in the list but not shown keeps receiving). */
  const message = (page: Page, roomName: string, text: string) =>
    room(page, roomName).locator(".messages li", { hasText: text });
  const arrives = (page: Page, roomName: string, text: string) =>
    message(page, roomName, text).waitFor({ state: "attached" });
  const member = (page: Page, roomName: string, name: string) =>
    room(page, roomName).locator(".members li", { hasText: name });
  /** Shows the room, types, and sends with Enter, as a person would. */
  const say = async (page: Page, roomName: string, text: string) => {
    await roomLink(page, roomName).click();
    await room(page, roomName).locator(".say-text").fill(text);
    await room(page, roomName).locator(".say-text").press("Enter");
    await message(page, roomName, text).waitFor();
  };
  /** Types into a field, then presses a button. */
  const enter = async (
    page: Page,
    field: string,
    value: string,
    button: string,
  ) => {
    await page.fill(field, value);
    await page.click(button);
  };
  const guestName = (connectionId: string) =>
    `Guest ${connectionId.slice(0, 4)}`;

  step(
    "two pages in the lobby see each other by name, and chat with names and times",
    async () => {
      await alice.fill("#name", "Alice");
      await alice.press("#name", "Enter");
      await enter(bob, "#name", "Bob", "#save-name");
      await member(alice, "lobby", "Bob").waitFor();
      await member(bob, "lobby", "Alice").waitFor();
      await member(bob, "lobby", "Bob (you)").waitFor();
      await say(alice, "lobby", "hello from alice");
      const heard = message(bob, "lobby", "hello from alice");
      await heard.waitFor();
      expect(await heard.locator(".from").textContent()).toBe("Alice");
      expect(await heard.locator("time").getAttribute("datetime")).toMatch(
        /^\d{4}-\d\d-\d\dT/,
      );
      await say(bob, "lobby", "hi alice");
      await arrives(alice, "lobby", "hi alice");
    },
  );

  step(
    "a TCP client in the room is heard by both pages and hears them",
    async () => {
      const tcp = new ChatSocketClient({ port: demo.socketPort });
      await tcp.connect();
      const tcpName = guestName(tcp.id!);
      try {
        await tcp.roomAdd("lobby");
        await member(alice, "lobby", tcpName).waitFor();
        await tcp.say("lobby", "hello from telnet land");
        const fromTcp = message(alice, "lobby", "hello from telnet land");
        await fromTcp.waitFor();
        expect(await fromTcp.locator(".from").textContent()).toBe(tcpName);
        await arrives(bob, "lobby", "hello from telnet land");
        const heard = tcp.nextSay((said) => said.message === "hello tcp");
        await say(bob, "lobby", "hello tcp");
        expect((await heard).name).toBe("Bob");
      } finally {
        tcp.close();
      }
      await member(bob, "lobby", tcpName).waitFor({ state: "detached" });
    },
  );

  step(
    "the authenticated room refuses until the page logs in, then admits it; the log keeps no password",
    async () => {
      await enter(alice, "#room-name", "private:staff", "#join");
      await alice
        .locator("#join-error")
        .filter({ hasText: 'room "private:staff" needs you to log in first' })
        .waitFor();
      expect(await room(alice, "private:staff").count()).toBe(0);
      await enter(alice, "#password", "wrong", "#log-in");
      await alice
        .locator("#log-in-error")
        .filter({ hasText: "wrong password" })
        .waitFor();
      expect(await alice.inputValue("#password")).toBe("");
      await enter(alice, "#password", "secret", "#log-in");
      await alice.locator("#logged-in").waitFor();
      expect(await alice.locator("#log-in-error").textContent()).toBe("");
      expect(demo.output).toMatch(/logIn.*password.*FILTERED/);
      expect(demo.output).not.toContain("secret");
      await alice.click("#join");
      await room(alice, "private:staff").waitFor();
      expect(await alice.locator("#join-error").textContent()).toBe("");
    },
  );

  step(
    "leaving a room takes the member off the other page's list",
    async () => {
      await roomLink(bob, "lobby").click();
      await room(bob, "lobby").locator(".leave").click();
      await room(bob, "lobby").waitFor({ state: "detached" });
      await member(alice, "lobby", "Bob").waitFor({ state: "detached" });
    },
  );

  step("a page can create a room and be in several rooms at once", async () => {
    await enter(bob, "#room-name", "kitchen", "#create");
    await room(bob, "kitchen").waitFor();
    await enter(alice, "#room-name", "kitchen", "#join");
    await room(alice, "kitchen").waitFor();
    await say(bob, "kitchen", "in the kitchen");
    await message(alice, "kitchen", "in the kitchen").waitFor();
    expect(await message(alice, "lobby", "in the kitchen").count()).toBe(0);
    expect(await alice.locator(".room-link").count()).toBe(3);
    await member(bob, "kitchen", "Alice").waitFor();
  });

  step(
    "messages in a room not shown count as unread until it is shown, and Alt+arrows go through the rooms",
    async () => {
      await roomLink(alice, "lobby").click();
      await say(bob, "kitchen", "while you read the lobby");
      await say(bob, "kitchen", "and another one");
      const unread = roomLink(alice, "kitchen").locator(".unread");
      await unread.filter({ hasText: /^2$/ }).waitFor();
      // The rooms go lobby, private:staff, kitchen, and round: up from the lobby is the kitchen.
      await alice.keyboard.press("Alt+ArrowUp");
      await room(alice, "kitchen").waitFor();
      await unread.waitFor({ state: "hidden" });
      // The shown room's message box has the focus: typing and Enter send there.
      expect(
        await room(alice, "kitchen").locator(".say-text:focus").count(),
      ).toBe(1);
      await alice.keyboard.type("typed, never clicked");
      await alice.keyboard.press("Enter");
      await arrives(bob, "kitchen", "typed, never clicked");
      await alice.keyboard.press("Alt+ArrowDown");
      await room(alice, "lobby").waitFor();
    },
  );

  step(
    "two tabs of one person are one presence: one name in the list, one join",
    async () => {
      const secondTab = await openChat();
      try {
        await enter(secondTab, "#name", "Alice", "#save-name");
        await member(secondTab, "lobby", "Alice (you)").waitFor();
        await enter(secondTab, "#room-name", "kitchen", "#join");
        await member(secondTab, "kitchen", "Alice (you)").waitFor();
        // Said after the second tab joined: whatever its join caused has reached bob before this.
        await say(secondTab, "kitchen", "from the second tab");
        await arrives(bob, "kitchen", "from the second tab");
        expect(await member(bob, "kitchen", "Alice").count()).toBe(1);
        expect(
          await room(bob, "kitchen")
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
        await message(carol, "lobby", "hello from alice").waitFor();
        expect(await message(carol, "lobby", "hello from alice").count()).toBe(
          1,
        );
        const carolName = await carol.getAttribute("#name", "placeholder");
        expect(carolName).toMatch(/^Guest \w{4}$/);
        await room(alice, "lobby")
          .locator(".messages li.notice", { hasText: `${carolName} joined` })
          .waitFor();
      } finally {
        await carol.close();
      }
    },
  );

  step(
    "a room keeps only its last lines: the oldest go, and their ids with them",
    async () => {
      // A room view of its own, never put on the page; read in the page, as the layout below is.
      const kept = await alice.evaluate<{
        keptLines: number;
        listed: number;
        oldest: string;
        ids: number;
      }>(`(async () => {
        const { RoomView, keptLines } = await import("/js/roomView.js");
        const view = new RoomView("scratch", {
          isMyConnection: () => false,
          isMyKey: () => false,
          say: async () => undefined,
          leave: async () => undefined,
        });
        for (let n = 1; n <= keptLines + 100; n++)
          view.showMessage({
            id: String(n),
            message: "line " + n,
            room: "scratch",
            from: "someone",
            context: "user",
            sentAt: Date.now(),
          });
        return {
          keptLines,
          listed: view.messages.childElementCount,
          oldest: view.messages.firstElementChild.querySelector(".text").textContent,
          ids: view.shownIds.size,
        };
      })()`);
      expect(kept.listed).toBe(kept.keptLines);
      expect(kept.ids).toBe(kept.keptLines);
      expect(kept.oldest).toBe("line 101");
    },
  );

  step(
    "the page fits a desktop and a 360 px phone: the message column keeps its width, nothing scrolls sideways",
    async () => {
      for (const [name, width, height] of [
        ["desktop", 1280, 800],
        ["phone", 360, 740],
      ] as const) {
        await alice.setViewportSize({ width, height });
        // (Read in the page: these tests compile without the DOM's types.)
        const pageWidth = await alice.evaluate<number>(
          "document.documentElement.scrollWidth",
        );
        const messages = await alice
          .locator(".room:not([hidden]) .messages")
          .boundingBox();
        await screenshot(alice, `chat-page-${name}`);
        expect(pageWidth).toBeLessThanOrEqual(width);
        expect(messages!.width).toBeGreaterThan(width * 0.5);
      }
      await alice.setViewportSize({ width: 1280, height: 800 });
    },
  );

  step("the complete page of docs/clients.md chats in the lobby", async () => {
    const clientsDoc = fs.readFileSync(
      path.join(__dirname, "..", "..", "docs", "clients.md"),
      "utf8",
    );
    const [, html] = /```html\n([\s\S]*?)```/.exec(clientsDoc)!;
    // The page comes from the test (page.route), from no address: Chromium takes it for a public
    // page, which may reach the local network (the demo's websocket) only with this permission.
    const context = await browser.newContext({
      permissions: ["local-network-access"],
    });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    try {
      // Served as if it were a page of the app, the way the doc says to put it.
      const url = `${demo.url}docs-page.html`;
      await page.route(url, (route) =>
        route.fulfill({ contentType: "text/html", body: html }),
      );
      await page.goto(url);
      await page.locator("#state", { hasText: /^connected$/ }).waitFor();
      await page.fill("#text", "hello from the docs page");
      await page.press("#text", "Enter");
      await page
        .locator("#messages li", { hasText: ": hello from the docs page" })
        .waitFor();
      await arrives(alice, "lobby", "hello from the docs page");
      expect(await page.locator("#error").textContent()).toBe("");
    } finally {
      await context.close();
    }
  });

  step(
    "after the server restarts, the pages show they are reconnecting, then chat again in their rooms without a reload",
    async () => {
      await enter(bob, "#room-name", "lobby", "#join");
      await room(bob, "lobby").waitFor();
      const { port, socketPort } = demo;
      await demo.stop();
      for (const page of [alice, bob])
        await page.locator('#status[data-state="reconnecting"]').waitFor();
      await screenshot(alice, "chat-page-reconnecting");
      demo = await DemoApp.start({}, { port, socketPort });
      await Promise.all([connected(alice), connected(bob)]);

      // The demo's Redis is in memory: the kitchen, made by a page, went with it; the starting rooms came back.
      await alice
        .locator("#join-error")
        .filter({ hasText: 'Left kitchen: room "kitchen" does not exist' })
        .waitFor();
      expect(await roomLink(alice, "kitchen").count()).toBe(0);
      // Back under their names, and logged in again: the private room is rejoined.
      await member(bob, "lobby", "Alice").waitFor();
      await say(alice, "lobby", "back after the restart");
      await arrives(bob, "lobby", "back after the restart");
      await say(alice, "private:staff", "staff still here");
      await say(bob, "lobby", "welcome back");
      await arrives(alice, "lobby", "welcome back");
    },
  );
});
