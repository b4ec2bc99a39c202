import { spawn, type ChildProcess } from "child_process";
import * as path from "path";
import { stopChildProcess } from "./childProcess";
import { freePort } from "./redisServer";

/** The demo application as `npm start` runs it (built by `npm run build`), on free ports. */
export class DemoApp {
  output = "";

  readonly url: string;

  private constructor(
    private readonly process: ChildProcess,
    readonly port: number,
    readonly socketPort: number,
  ) {
    this.url = `http://localhost:${port}/`;
  }

  /** Starts the demo; `REDIS_URL` in `env` puts it on that Redis; `ports`, to start it again where it was. */
  static async start(
    env: Record<string, string> = {},
    ports?: { port: number; socketPort: number },
  ): Promise<DemoApp> {
    const { port, socketPort } = ports ?? {
      port: await freePort(),
      socketPort: await freePort(),
    };
    const childEnv: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: "development",
      PORT: String(port),
      SOCKET_PORT: String(socketPort),
    };
    // The demo finds its own config, and runs in memory unless this start asks for a Redis.
    delete childEnv.ACTIONHERO_CONFIG;
    delete childEnv.REDIS_URL;
    Object.assign(childEnv, env);
    const child = spawn(
      process.execPath,
      [path.join(__dirname, "..", "..", "dist", "example", "server.js")],
      { env: childEnv },
    );
    const demo = new DemoApp(child, port, socketPort);
    await new Promise<void>((resolve, reject) => {
      const collect = (chunk: Buffer) => {
        demo.output += chunk.toString();
        if (demo.output.includes("Chat demo running")) resolve();
      };
      child.stdout.on("data", collect);
      child.stderr.on("data", collect);
      child.once("exit", (code) =>
        reject(new Error(`the demo exited with ${code}:\n${demo.output}`)),
      );
    });
    child.removeAllListeners("exit");
    return demo;
  }

  stop() {
    return stopChildProcess(this.process, () => this.process.kill("SIGTERM"));
  }
}
