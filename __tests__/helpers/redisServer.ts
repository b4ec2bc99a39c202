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

/** A real redis-server of the tests' own, on a free port, keeping nothing on disk. */
export class RedisServer {
  private constructor(
    private readonly process: ChildProcess,
    readonly port: number,
  ) {}

  static async start(): Promise<RedisServer> {
    const port = await freePort();
    const child = spawn("redis-server", [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no",
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
    return new RedisServer(child, port);
  }

  client() {
    return new Redis({
      host: "127.0.0.1",
      port: this.port,
      lazyConnect: false,
    });
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      this.process.once("exit", () => resolve());
      this.process.kill("SIGTERM");
    });
  }
}
