import { spawn, type ChildProcess } from "child_process";
import * as net from "net";
import Redis from "ioredis";
import { stopChildProcess } from "./childProcess";

/** Ports this process has handed out: the system may offer a port again as soon as it is closed. */
const handedOut = new Set<number>();

/** A port nothing listens on right now, and not handed out before by this process. */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await portTheSystemOffers();
    if (handedOut.has(port)) continue;
    handedOut.add(port);
    return port;
  }
}

function portTheSystemOffers(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface RedisServerOptions {
  /** Keep data across restarts in an append-only file in this folder (by default nothing is kept). */
  appendOnlyDirectory?: string;
  /** More `redis-server` arguments, as `["--cluster-enabled", "yes"]`. */
  serverArguments?: string[];
}

/** A real redis-server of the tests' own, on a free port; it can be stopped and started again on that port. */
export class RedisServer {
  private process?: ChildProcess;
  private frozen = false;
  /** What the server has logged since it was last launched. */
  private output = "";

  private constructor(
    readonly port: number,
    private readonly options: RedisServerOptions,
  ) {}

  static async start(options: RedisServerOptions = {}): Promise<RedisServer> {
    const server = new RedisServer(await freePort(), options);
    await server.launch();
    return server;
  }

  /** Starts it again on its port, after `stop`. */
  async launch() {
    const { appendOnlyDirectory, serverArguments = [] } = this.options;
    const persistence = appendOnlyDirectory
      ? ["--appendonly", "yes", "--dir", appendOnlyDirectory]
      : ["--appendonly", "no"];
    const child = spawn("redis-server", [
      "--port",
      String(this.port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      ...persistence,
      ...serverArguments,
    ]);
    this.output = "";
    child.stdout.on("data", (chunk: Buffer) => (this.output += chunk));
    await new Promise<void>((resolve, reject) => {
      child.on("error", (error) =>
        reject(
          new Error(
            `could not start redis-server (is it installed?): ${error.message}`,
          ),
        ),
      );
      child.on("exit", (code) =>
        reject(new Error(`redis-server exited with ${code}: ${this.output}`)),
      );
      this.process = child;
      this.printed("Ready to accept connections", 0).then(resolve);
    });
    child.removeAllListeners("exit");
  }

  /**
   * Resolves once the server logs `text` after position `from` of what it has logged (by default:
   * from now on), as `Cluster state changed: ok`.
   */
  printed(text: string, from = this.output.length): Promise<void> {
    const stdout = this.process?.stdout;
    return new Promise((resolve) => {
      const check = () => {
        if (this.output.indexOf(text, from) < 0) return;
        stdout?.off("data", check);
        resolve();
      };
      // Registered after the listener that appends to `output`, so it sees each chunk appended.
      stdout?.on("data", check);
      check();
    });
  }

  /** How much the server has logged: a position to wait for a line from. */
  get logged() {
    return this.output.length;
  }

  /** The process is up and answering (started, and not frozen, stopped or killed since). */
  get running() {
    const child = this.process;
    return (
      !!child &&
      !this.frozen &&
      child.exitCode === null &&
      child.signalCode === null
    );
  }

  client() {
    return new Redis({
      host: "127.0.0.1",
      port: this.port,
      lazyConnect: false,
    });
  }

  /** Stops it with SIGSTOP: its connections stay open and it answers nothing, as when a machine hangs. */
  async freeze() {
    this.frozen = this.process?.kill("SIGSTOP") ?? false;
  }

  /** Kills it with SIGKILL: it writes nothing out and tells nobody, as when a machine dies. */
  kill(): Promise<void> {
    const child = this.process;
    if (!child) return Promise.resolve();
    return stopChildProcess(child, () => child.kill("SIGKILL"));
  }

  /** Shuts it down (with an append-only file, after writing it out). */
  stop(): Promise<void> {
    const child = this.process;
    if (!child) return Promise.resolve();
    // A frozen server would only act on SIGTERM once thawed.
    return stopChildProcess(child, () =>
      child.kill(this.frozen ? "SIGKILL" : "SIGTERM"),
    );
  }
}
