import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import type { Browser } from "playwright-core";
import { launchChromium } from "./helpers/chromium";
import { GeneratedApp } from "./helpers/generatedApp";

type Package = typeof import("..");

const projectRoot = path.join(__dirname, "..");

test("the packed package holds the built plugin (initializers, servers, types), the license and docs, and no tests, demo, sources or source maps, nor a comment naming a map it does not hold", () => {
  const [pack] = JSON.parse(
    execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], {
      cwd: projectRoot,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }),
  ) as [{ files: { path: string }[] }];
  const files = pack.files.map((file) => file.path);
  expect(files).toEqual(
    expect.arrayContaining([
      "LICENSE",
      "dist/index.js",
      "dist/index.d.ts",
      "dist/initializers/chat.js",
      "dist/initializers/socketServerConfig.js",
      "dist/servers/socket.js",
      "README.md",
      "docs/api.md",
    ]),
  );
  expect(
    files.filter(
      (file) =>
        /__tests__|example|\.map$|\.ts$/.test(file) && !file.endsWith(".d.ts"),
    ),
  ).toEqual([]);
  // Bundlers and source-map-support warn about every map that a file names and the package lacks.
  expect(sourceMapsNotPacked(files)).toEqual([]);
});

/** `<file> names <map>` for each `sourceMappingURL` comment of a packed file whose map is not packed. */
function sourceMapsNotPacked(files: string[]) {
  const packed = new Set(files);
  return files.flatMap((file) => {
    const text = fs.readFileSync(path.join(projectRoot, file), "utf8");
    return [...text.matchAll(/(?:\/\/|\/\*)[#@]\s*sourceMappingURL=([^\s*]+)/g)]
      .map(([, url]) => url)
      .filter(
        (url) =>
          !url.startsWith("data:") &&
          !packed.has(path.posix.join(path.posix.dirname(file), url)),
      )
      .map((url) => `${file} names ${url}`);
  });
}

describe("the packed package in an application that `actionhero generate` made, set up as docs/getting-started.md says", () => {
  let app: GeneratedApp;
  let browser: Browser | undefined;

  beforeAll(async () => {
    app = await GeneratedApp.create();
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await app?.remove();
  });

  test("the application compiles with its own tsc and tsconfig, the plugin's types and the guide's files included", async () => {
    // Its tsconfig resolves modules the old way (no `exports`): the browser client's types are found all the same.
    app.writeFile(
      "src/pageClient.ts",
      'import { ChatBrowserClient } from "ah-chat-plugin/browser";\n\nexport const pageClient = (): ChatBrowserClient => new ChatBrowserClient();\n',
    );
    // Middleware reads `session` and `params` of live, reaped and mock connections alike, with no cast.
    app.writeFile(
      "src/memberAnnouncements.ts",
      fs.readFileSync(
        path.join(
          __dirname,
          "fixtures/generatedApp/memberAnnouncements.ts.txt",
        ),
        "utf8",
      ),
    );
    await app.build();
    await app.typeCheckStrictly("src/memberAnnouncements.ts");
  }, 90_000);

  test("it starts, and its log says that chat started", async () => {
    await app.start();
    expect(app.output()).toContain(
      "[chat] ah-chat-plugin started: rooms in in-memory Redis (ioredis-mock)",
    );
  });

  test("socket clients of the installed package meet in the lobby: its members are told who joins, and hear what is said", async () => {
    const { ChatSocketClient } = app.require<Package>("ah-chat-plugin");
    const [alice, bob] = [1, 2].map(
      () => new ChatSocketClient({ port: app.socketPort }),
    );
    try {
      await alice.connect();
      await alice.roomAdd("lobby");
      const told = alice.nextSay();
      await bob.connect();
      await bob.roomAdd("lobby");
      expect((await told).message).toBe("a socket connection joins");
      const heard = alice.nextSay((payload) => payload.from === bob.id);
      await bob.say("lobby", "hello");
      expect(await heard).toMatchObject({ message: "hello", room: "lobby" });
    } finally {
      alice.close();
      bob.close();
    }
  });

  test("the guide's action opens a room through api.chatRoom, and greets it", async () => {
    const { ChatSocketClient } = app.require<Package>("ah-chat-plugin");
    const client = new ChatSocketClient({ port: app.socketPort });
    try {
      await client.connect();
      expect(await client.action("openRoom", { room: "games" })).toMatchObject({
        created: true,
      });
      await client.roomAdd("games");
      const greeting = client.nextSay();
      expect(await client.action("openRoom", { room: "games" })).toMatchObject({
        created: false,
      });
      expect(await greeting).toMatchObject({
        message: "welcome to games",
        from: "0",
      });
    } finally {
      client.close();
    }
  });

  test("the guide's chat page, in Chromium, connects to the lobby and chats with a socket client", async () => {
    const { ChatSocketClient } = app.require<Package>("ah-chat-plugin");
    const client = new ChatSocketClient({ port: app.socketPort });
    browser = await launchChromium();
    const page = await browser.newPage();
    try {
      await client.connect();
      await client.roomAdd("lobby");
      await page.goto(`http://localhost:${app.port}/public/chat.html`);
      await page.getByText("connected", { exact: true }).waitFor();
      // The page's script holds its client in `client`: once it has joined, it says so.
      await page.waitForFunction("client.rooms.has('lobby')");

      await client.say("lobby", "hello, page");
      await page.getByText(/hello, page$/).waitFor();

      const fromPage = client.nextSay(
        (payload) => payload.message === "hello, socket",
      );
      await page.fill("#words", "hello, socket");
      await page.press("#words", "Enter");
      await fromPage;
      // Said, so the page empties the field.
      await page.waitForFunction(
        'document.getElementById("words").value === ""',
      );
    } finally {
      client.close();
    }
  });
});
