import { fork, type ChildProcess } from "child_process";
import * as path from "path";
import { stopChildProcess } from "./childProcess";
import { freePort } from "./redisServer";

const appDirectory = path.join(__dirname, "..", "fixtures", "app");

/** One actionhero process of the test application, on a real Redis. */
export class ClusterNode {
  output = "";
  /** Rejects, with what the node printed, if the process exits before it is asked to stop. */
  readonly crashed: Promise<never>;
  private stopping = false;

  private constructor(
    private readonly process: ChildProcess,
    readonly title: string,
    readonly port: number,
    readonly socketPort: number,
  ) {
    process.stdout?.on(
      "data",
      (chunk: Buffer) => (this.output += chunk.toString()),
    );
    process.stderr?.on(
      "data",
      (chunk: Buffer) => (this.output += chunk.toString()),
    );
    this.crashed = new Promise<never>((_, reject) =>
      process.once("exit", (code, signal) => {
        if (!this.stopping)
          reject(
            new Error(
              `node ${title} exited (${signal ?? code}):\n${this.output.slice(-4000)}`,
            ),
          );
      }),
    );
    this.crashed.catch(() => undefined);
  }

  get url() {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Starts a node; given the ports of a node that stopped, it restarts that node. */
  static async start(
    title: string,
    redisPort: number,
    env: Record<string, string> = {},
    ports?: { port: number; socketPort: number },
  ): Promise<ClusterNode> {
    const port = ports?.port ?? (await freePort());
    const socketPort = ports?.socketPort ?? (await freePort());
    const child = fork(path.join(appDirectory, "server.js"), [], {
      cwd: appDirectory,
      silent: true,
      env: {
        ...process.env,
        NODE_ENV: "test",
        PORT: String(port),
        SOCKET_PORT: String(socketPort),
        REDIS_HOST: "127.0.0.1",
        REDIS_PORT: String(redisPort),
        REDIS_DB: "0",
        ACTIONHERO_TITLE: title,
        ACTIONHERO_CONFIG: path.join(appDirectory, "config"),
        CHAT_RPC_TIMEOUT: "1000",
        LOG_LEVEL: "notice",
        ...env,
      },
    });
    const node = new ClusterNode(child, title, port, socketPort);
    await new Promise<void>((resolve, reject) => {
      child.on(
        "message",
        (message: { ready?: boolean }) => message.ready && resolve(),
      );
      child.once("exit", (code) =>
        reject(new Error(`node ${title} exited with ${code}:\n${node.output}`)),
      );
    });
    child.removeAllListeners("exit");
    return node;
  }

  /** Resolves once the node prints `text` (in what it prints from now on). */
  printed(text: string): Promise<void> {
    const from = this.output.length;
    return new Promise((resolve) => {
      const check = () => {
        if (this.output.indexOf(text, from) < 0) return;
        this.process.stdout?.off("data", check);
        resolve();
      };
      // Registered after the listener that appends to `output`, so it sees each chunk appended.
      this.process.stdout?.on("data", check);
    });
  }

  /** The process has not exited. */
  get alive() {
    return this.process.exitCode === null && this.process.signalCode === null;
  }

  get ports() {
    return { port: this.port, socketPort: this.socketPort };
  }

  /** Kills the node with SIGKILL: it cleans up nothing, as when a machine or process dies. */
  kill() {
    this.stopping = true;
    return stopChildProcess(this.process, () => this.process.kill("SIGKILL"));
  }

  /** Stops the node the way actionhero stops: servers first, then chat cleans up. */
  stop() {
    this.stopping = true;
    return stopChildProcess(this.process, () => this.process.send("stop"));
  }
}
