import { spawn, type ChildProcess } from "child_process";
import * as net from "net";
import Redis from "ioredis";

/** A port nothing listens on right now. */
export function freePort(): Promise<number> {
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
}

/** A real redis-server of the tests' own, on a free port; it can be stopped and started again on that port. */
export class RedisServer {
  private process?: ChildProcess;

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
    const { appendOnlyDirectory } = this.options;
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
    ]);
    await new Promise<void>((resolve, reject) => {
      let output = "";
      child.on("error", (error) =>
        reject(
          new Error(
            `could not start redis-server (is it installed?): ${error.message}`,
          ),
        ),
      );
      child.on("exit", (code) =>
        reject(new Error(`redis-server exited with ${code}: ${output}`)),
      );
      child.stdout.on("data", (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes("Ready to accept connections")) resolve();
      });
    });
    child.removeAllListeners("exit");
    this.process = child;
  }

  client() {
    return new Redis({
      host: "127.0.0.1",
      port: this.port,
      lazyConnect: false,
    });
  }

  /** Shuts it down (with an append-only file, after writing it out). */
  stop(): Promise<void> {
    const child = this.process;
    if (!child || child.exitCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
    });
  }
}
