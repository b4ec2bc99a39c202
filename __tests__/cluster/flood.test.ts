import { setTimeout as pace } from "timers/promises";
import { writeArtifact } from "../helpers/artifacts";
import { FuzzTarget } from "../helpers/fuzzTarget";
import { spawn } from "child_process";
import { WebsocketTestClient } from "../helpers/websocketClient";

const floodSays = 20_000;

/** Joins "lobby" over the socket server, then writes every say at once and prints what it is answered. */
const socketFlooder = `
const socket = require("net").connect(Number(process.env.PORT), "127.0.0.1", () => {
  socket.write("roomAdd lobby\\n");
  let lines = "";
  for (let n = 0; n < ${floodSays}; n++) lines += "say lobby flood " + n + "\\n";
  socket.write(lines);
});
socket.pipe(process.stdout);
socket.on("error", () => {});
`;

/** The same over actionhero's websocket server: a frame per say, all sent at once, and one line per answer. */
const websocketFlooder = `
const WebSocket = require("ws");
const socket = new WebSocket("ws://127.0.0.1:" + process.env.PORT + "/primus");
socket.on("open", () => {
  socket.send(JSON.stringify({ event: "roomAdd", room: "lobby" }));
  for (let n = 0; n < ${floodSays}; n++)
    socket.send(JSON.stringify({ event: "say", room: "lobby", message: "flood " + n }));
});
socket.on("message", (data) => process.stdout.write(data + "\\n"));
socket.on("error", () => {});
`;

/** The 99th percentile of some latencies, in ms. */
function p99(latencies: number[]) {
  const sorted = [...latencies].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))];
}

describe("one client flooding a room with says", () => {
  let target: FuzzTarget;
  let alice: WebsocketTestClient;
  let bob: WebsocketTestClient;

  beforeAll(async () => {
    target = await FuzzTarget.start("flood");
    alice = await WebsocketTestClient.connect(target.node.url);
    bob = await WebsocketTestClient.connect(target.node.url);
    await alice.roomAdd("lobby");
    await bob.roomAdd("lobby");
  }, 30_000);
  afterAll(async () => {
    alice?.disconnect();
    bob?.disconnect();
    await target?.stop();
  });

  /** Alice says `count` messages, about 100 a second; the ms each took to reach bob. */
  async function latencies(label: string, count: number) {
    const measured: number[] = [];
    for (let n = 0; n < count; n++) {
      const text = `${label} ${n}`;
      const sentAt = Date.now();
      const heard = bob.hears("lobby", text);
      await alice.say("lobby", text);
      await heard;
      measured.push(Date.now() - sentAt);
      // About 100 messages a second: the rate of the traffic.
      await pace(10);
    }
    return measured;
  }

  /** Warnings the node logged of a connection it closed for flooding. */
  const floodersClosed = () =>
    target.node.output.split("it went on saying far past").length - 1;

  test.each([
    ["socket", socketFlooder, () => target.node.socketPort],
    ["websocket", websocketFlooder, () => target.node.port],
  ])(
    "over the %s server, is refused past its rate and then closed; the others' p99 latency stays under 50 ms and the node's memory holds",
    async (server, flooderScript, port) => {
      const before = await latencies(`before ${server}`, 100);
      const rssBefore = (await target.memory()).rss;
      const closedBefore = floodersClosed();

      // The flooder runs in a process of its own, so that writing the flood does not hold up this one's measuring.
      const flooder = spawn(process.execPath, ["-e", flooderScript], {
        env: { ...process.env, PORT: String(port()) },
      });
      let flooderOutput = "";
      flooder.stdout.on("data", (chunk: Buffer) => (flooderOutput += chunk));
      const flooded = new Promise((resolve) => flooder.once("exit", resolve));
      await new Promise((resolve) => flooder.stdout.once("data", resolve));
      const duringFlood = await latencies(`during ${server}`, 100);
      await flooded;
      const rssAfter = (await target.memory()).rss;
      const answers = flooderOutput
        .split("\n")
        .filter((line) => line.startsWith("{"))
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      const refused = answers.filter(
        (message) =>
          typeof message.error === "string" &&
          message.error.includes("slow down"),
      ).length;
      // Every OK but the first, which answers the roomAdd.
      const accepted =
        answers.filter(
          (message) =>
            message.status === "OK" && message.context === "response",
        ).length - 1;
      writeArtifact(`flood-${server}`, {
        floodSays,
        flooderAccepted: accepted,
        flooderRefused: refused,
        beforeP50: before.sort((a, b) => a - b)[50],
        beforeP99: p99(before),
        duringP50: duringFlood.sort((a, b) => a - b)[50],
        duringP99: p99(duringFlood),
        rssBefore,
        rssAfter,
      });
      expect(refused).toBeGreaterThan(0);
      // The burst and the rate, and not much more before it is closed.
      expect(accepted).toBeLessThanOrEqual(300);
      expect(floodersClosed()).toBe(closedBefore + 1);
      expect(p99(duringFlood)).toBeLessThan(50);
      expect(rssAfter - rssBefore).toBeLessThan(64 * 1024 * 1024);
    },
    60_000,
  );
});
