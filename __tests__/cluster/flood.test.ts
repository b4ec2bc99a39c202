import { setTimeout as pace } from "timers/promises";
import { writeArtifact } from "../helpers/artifacts";
import { FuzzTarget } from "../helpers/fuzzTarget";
import { RawWebsocket } from "../helpers/rawWebsocket";
import { WebsocketTestClient } from "../helpers/websocketClient";

const floodSays = 20_000;

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

  test(`is refused past its rate and then closed, and the node's memory holds; the others' latency is recorded`, async () => {
    const before = await latencies("before", 100);
    const rssBefore = (await target.memory()).rss;

    const flooder = await RawWebsocket.connect(target.node.url);
    flooder.write({ event: "roomAdd", room: "lobby", messageId: "join" });
    await flooder.waitFor((message) => message.messageId === "join");
    const during = latencies("during", 100);
    let flooderClosed = false;
    void flooder.ended.then(() => (flooderClosed = true));
    // In slices, so that writing the flood does not itself hold up this process's measuring.
    for (let n = 0; n < floodSays && !flooderClosed; n++) {
      flooder.write({ event: "say", room: "lobby", message: `flood ${n}` });
      if (n % 100 === 99) await new Promise((resolve) => setImmediate(resolve));
    }
    await flooder.ended;
    const duringFlood = await during;
    const rssAfter = (await target.memory()).rss;

    const refused = flooder.received.filter(
      (message) =>
        typeof message.error === "string" &&
        message.error.includes("slow down"),
    ).length;
    const accepted = flooder.received.filter(
      (message) => message.status === "OK" && message.messageId !== "join",
    ).length;
    expect(refused).toBeGreaterThan(0);
    expect(accepted).toBeLessThanOrEqual(300);
    expect(target.node.output).toContain("it went on saying far past");
    expect(rssAfter - rssBefore).toBeLessThan(64 * 1024 * 1024);
    writeArtifact("flood", {
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
  }, 60_000);
});
