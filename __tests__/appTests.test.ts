import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const root = path.join(__dirname, "..");

/** A test file of an application's own: it starts a node with the plugin. */
const appTest = (name: string) => `
const { Process, api } = require("actionhero");
test("${name}: a node with the plugin starts and chats", async () => {
  const node = new Process();
  await node.start();
  expect(api.servers.servers.socket.server.address().port).toBeGreaterThan(0);
  expect(await api.chatRoom.add("lobby")).toBe(1);
  await node.stop();
});
`;

describe("an application's own tests, in two jest workers at once", () => {
  test("each starts a node with the plugin under NODE_ENV=test: no port collides", async () => {
    const app = fs.mkdtempSync(path.join(os.tmpdir(), "ah-chat-app-"));
    fs.mkdirSync(path.join(app, "__tests__"));
    fs.writeFileSync(
      path.join(app, "package.json"),
      JSON.stringify({ name: "chat-app", private: true }),
    );
    fs.symlinkSync(
      path.join(root, "node_modules"),
      path.join(app, "node_modules"),
      "dir",
    );
    for (const name of ["one", "two"])
      fs.writeFileSync(
        path.join(app, "__tests__", `${name}.test.js`),
        appTest(name),
      );
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: "test",
      ACTIONHERO_CONFIG: path.join(__dirname, "fixtures", "app", "config"),
    };
    // The defaults under test: no port chosen by the environment.
    delete env.PORT;
    delete env.SOCKET_PORT;
    delete env.JEST_WORKER_ID;
    const jest = spawn(
      process.execPath,
      [
        path.join(root, "node_modules", "jest", "bin", "jest.js"),
        "--rootDir",
        app,
        "--maxWorkers=2",
        "--testTimeout=20000",
      ],
      { cwd: app, env },
    );
    let output = "";
    jest.stdout.on("data", (chunk: Buffer) => (output += chunk));
    jest.stderr.on("data", (chunk: Buffer) => (output += chunk));
    const code = await new Promise((resolve) => jest.once("exit", resolve));
    fs.rmSync(app, { recursive: true, force: true });
    expect(output).not.toContain("EADDRINUSE");
    expect(output).toContain("Tests:       2 passed, 2 total");
    expect(code).toBe(0);
  }, 60_000);
});
