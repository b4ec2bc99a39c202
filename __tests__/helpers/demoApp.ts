import * as path from "path";
import {
  startNodeProcess,
  stopChildProcess,
  type WatchedProcess,
} from "./childProcess";
import { freePort } from "./redisServer";

/** The demo application as `npm start` runs it (built by `npm run build`), on free ports. */
export class DemoApp {
  readonly url: string;

  private constructor(
    private readonly server: WatchedProcess,
    readonly port: number,
    readonly socketPort: number,
  ) {
    this.url = `http://localhost:${port}/`;
  }

  /**
   * Starts the demo; `REDIS_URL` in `env` puts it on that Redis, `REDIS_CLUSTER` its chat on that
   * cluster; `ports`, to start it again where it was.
   */
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
    delete childEnv.REDIS_CLUSTER;
    Object.assign(childEnv, env);
    const server = await startNodeProcess(
      path.join(__dirname, "..", "..", "dist", "example", "server.js"),
      { env: childEnv, ready: "Chat demo running" },
    );
    return new DemoApp(server, port, socketPort);
  }

  /** What the demo printed so far. */
  get output() {
    return this.server.output();
  }

  stop() {
    const { child } = this.server;
    return stopChildProcess(child, () => child.kill("SIGTERM"));
  }
}
