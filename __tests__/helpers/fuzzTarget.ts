import * as net from "net";
import { setTimeout as pace } from "timers/promises";
import { writeArtifact } from "./artifacts";
import { ClusterNode } from "./clusterNode";
import { RedisServer } from "./redisServer";
import { WebsocketTestClient } from "./websocketClient";

/** One node of the test app on a real Redis, run with --expose-gc so that its heap can be measured after a full collection. */
export class FuzzTarget {
  private constructor(
    readonly redisServer: RedisServer,
    readonly node: ClusterNode,
    private readonly admin: WebsocketTestClient,
  ) {}

  static async start(title: string) {
    const redisServer = await RedisServer.start();
    const node = await ClusterNode.start(title, redisServer.port, {
      NODE_OPTIONS: "--expose-gc",
    });
    const admin = await WebsocketTestClient.connect(node.url);
    for (const room of ["lobby", "pair"])
      await admin.action("chatAdd", { room });
    return new FuzzTarget(redisServer, node, admin);
  }

  /** The node's heap (after a full garbage collection) and resident set, in bytes. */
  async memory(): Promise<{ heapUsed: number; rss: number }> {
    const { heapUsed, rss } = await this.admin.action("memory");
    return { heapUsed, rss };
  }

  /** The node's heap after a full garbage collection, in bytes. */
  async heapUsed(): Promise<number> {
    const { heapUsed, collected } = await this.admin.action("memory");
    if (!collected) throw new Error("the node cannot collect garbage");
    return heapUsed;
  }

  /**
   * Runs `fuzz` while two websocket clients in room "pair" (connected first, so that the load does not
   * delay their handshake) say to each other, about 50 times a second. Resolves with what `fuzz`
   * resolved, how many says were answered OK, and which of those the other did not hear; rejects at
   * once if the node exits.
   */
  async fuzzWhileChatting<T>(fuzz: () => Promise<T>) {
    const [alice, bob] = await Promise.all([
      WebsocketTestClient.connect(this.node.url),
      WebsocketTestClient.connect(this.node.url),
    ]);
    await alice.roomAdd("pair");
    await bob.roomAdd("pair");
    const until = Promise.race([fuzz(), this.node.crashed]);
    const [chat, result] = await Promise.all([
      chatWhile(alice, bob, until),
      until,
    ]);
    alice.disconnect();
    bob.disconnect();
    return { ...chat, result };
  }

  /**
   * Runs a fuzz (resolving with how much it sent over how many connections) and asserts that the node
   * stayed up, a pair chatting meanwhile lost nothing, the heap came back within 16 MiB after a full
   * collection, nothing failed unhandled, and the plugin wrote at most 300 lines of log however much
   * bad input it was sent; the figures go to `__tests__/artifacts/<name>.json`. Resolves with what the
   * node printed meanwhile.
   */
  async survives(
    name: string,
    seed: number,
    fuzz: () => Promise<{ sent: number; connections: number }>,
  ) {
    const heapBefore = await this.heapUsed();
    const printedBefore = this.node.output.length;
    const chat = await this.fuzzWhileChatting(fuzz);
    const printed = this.node.output.slice(printedBefore);
    const pluginLogLines = printed
      .split("\n")
      .filter((line) => line.includes("[chat]")).length;
    expect(pluginLogLines).toBeLessThanOrEqual(300);
    expect(this.node.alive).toBe(true);
    expect(chat.said).toBeGreaterThan(0);
    expect(chat.lost).toEqual([]);
    const heapAfter = await this.heapUsed();
    expect(heapAfter - heapBefore).toBeLessThan(16 * 1024 * 1024);
    expect(this.node.output).not.toMatch(/unhandled|uncaught|RangeError/i);
    writeArtifact(name, {
      seed,
      ...chat.result,
      pairSaid: chat.said,
      heapBefore,
      heapAfter,
      pluginLogLines,
    });
    return printed;
  }

  async stop() {
    this.admin.disconnect();
    await this.node.stop();
    await this.redisServer.stop();
  }
}

async function chatWhile(
  alice: WebsocketTestClient,
  bob: WebsocketTestClient,
  until: Promise<unknown>,
) {
  let done = false;
  until.finally(() => (done = true)).catch(() => undefined);
  const answeredOk: { to: WebsocketTestClient; text: string }[] = [];
  for (let n = 0; !done; n++) {
    const [from, to] = n % 2 ? [alice, bob] : [bob, alice];
    const text = `pair ${n}`;
    const answer = await Promise.race([from.say("pair", text), until]);
    if ((answer as { status?: string }).status === "OK")
      answeredOk.push({ to, text });
    // About 50 messages a second: the rate of the traffic.
    await pace(20);
  }
  const last = answeredOk[answeredOk.length - 1];
  if (last) await last.to.hears("pair", last.text);
  const lost = answeredOk
    .filter(({ to, text }) => !to.heard("pair", text))
    .map(({ text }) => text);
  return { said: answeredOk.length, lost };
}

/** Opens a TCP connection that reads and drops what it is sent. */
export function rawSocket(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: "127.0.0.1" }, () =>
      resolve(socket),
    );
    socket.on("data", () => undefined);
    socket.once("error", reject);
    socket.on("error", () => undefined);
  });
}
