import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { setTimeout as pace } from "timers/promises";
import { writeArtifact } from "../helpers/artifacts";
import { ClusterNode } from "../helpers/clusterNode";
import { RedisServer } from "../helpers/redisServer";
import { WebsocketTestClient } from "../helpers/websocketClient";

interface SayOutcome {
  sender: number;
  text: string;
  ok: boolean;
  error?: string;
  afterRestart: boolean;
  at: number;
}

describe.each([
  ["without persistence", false],
  ["with appendonly yes", true],
])("Redis restarted %s, under traffic", (_, persistent) => {
  let redisServer: RedisServer;
  const nodes: ClusterNode[] = [];
  let clients: WebsocketTestClient[];
  let directory: string | undefined;

  beforeAll(async () => {
    directory = persistent
      ? fs.mkdtempSync(path.join(os.tmpdir(), "ah-chat-aof-"))
      : undefined;
    redisServer = await RedisServer.start({ appendOnlyDirectory: directory });
    // node-b reconnects to Redis well after node-a: until it has, node-a must not answer OK.
    for (const [title, firstRetry] of [
      ["node-a", "200"],
      ["node-b", "2000"],
    ])
      nodes.push(
        await ClusterNode.start(title, redisServer.port, {
          CHAT_NODE_TIMEOUT: "4000",
          CHAT_PRESENCE_EVENTS: "true",
          REDIS_FIRST_RETRY_MS: firstRetry,
        }),
      );
    // Two clients on each node: 0 and 1 on node-a, 2 and 3 on node-b.
    clients = await Promise.all(
      [0, 0, 1, 1].map((n) => WebsocketTestClient.connect(nodes[n].url)),
    );
    await clients[0].action("chatAdd", { room: "traffic" });
    await clients[0].action("chatAdd", { room: "quiet" });
    for (const client of clients) await client.roomAdd("traffic");
    await clients[1].roomAdd("quiet");
    await clients[3].roomAdd("quiet");
  }, 30_000);

  afterAll(async () => {
    clients?.forEach((client) => client.disconnect());
    await Promise.all(nodes.map((node) => node.stop()));
    await redisServer?.stop();
    if (directory) fs.rmSync(directory, { recursive: true, force: true });
  });

  test("rooms and members come back, says in the outage get CHAT_UNAVAILABLE, and every say answered OK reaches every member", async () => {
    const outcomes: SayOutcome[] = [];
    const waiting = new Set<() => void>();
    const until = (condition: () => boolean) =>
      new Promise<void>((resolve) => {
        const check = () => {
          if (!condition()) return;
          waiting.delete(check);
          resolve();
        };
        waiting.add(check);
        check();
      });
    const count = (sender: number, filter: (outcome: SayOutcome) => boolean) =>
      outcomes.filter((outcome) => outcome.sender === sender && filter(outcome))
        .length;

    let sending = true;
    let restarted = false;
    const senders = [clients[0], clients[2]];
    const traffic = senders.map(async (sender, s) => {
      for (let n = 0; sending; n++) {
        const text = `${s}:${n}`;
        const response = await sender.say("traffic", text);
        outcomes.push({
          sender: s,
          text,
          ok: response.status === "OK",
          error: response.error,
          afterRestart: restarted,
          at: Date.now(),
        });
        for (const check of [...waiting]) check();
        // About 100 says a second from each sender.
        await pace(10);
      }
    });

    await until(() => [0, 1].every((s) => count(s, (o) => o.ok) >= 20));
    await redisServer.stop();
    await until(() => [0, 1].every((s) => count(s, (o) => !o.ok) >= 1));
    await redisServer.launch();
    const launchedAt = Date.now();
    restarted = true;
    await until(() =>
      [0, 1].every((s) => count(s, (o) => o.ok && o.afterRestart) >= 20),
    );
    sending = false;
    await Promise.all(traffic);
    const firstOkAfterRestart = outcomes.find((o) => o.ok && o.afterRestart);

    const failures = outcomes.filter((outcome) => !outcome.ok);
    expect(failures.length).toBeGreaterThan(0);
    for (const failure of failures)
      expect(failure.error).toContain("chat is unavailable");

    // Each node's messages arrive in order: once a member has heard a sender's last OK, it has heard all it ever will of that sender.
    const answeredOk = outcomes.filter((outcome) => outcome.ok);
    for (const s of [0, 1]) {
      const last = answeredOk.filter((outcome) => outcome.sender === s).pop();
      for (const client of clients) await client.hears("traffic", last!.text);
    }
    const lost = answeredOk.flatMap((outcome) =>
      clients
        .filter((client) => !client.heard("traffic", outcome.text))
        .map((client) => `${outcome.text} at ${client.id}`),
    );
    expect(lost).toEqual([]);
    writeArtifact(`redis-restart-${persistent ? "appendonly" : "empty"}`, {
      answeredOk: answeredOk.length,
      answeredUnavailable: failures.length,
      lost: lost.length,
      firstOkAfterRedisBackMs: firstOkAfterRestart
        ? firstOkAfterRestart.at - launchedAt
        : null,
    });

    for (const [room, members] of [
      ["traffic", clients],
      ["quiet", [clients[1], clients[3]]],
    ] as const) {
      const expected = members.map((client) => client.id).sort();
      for (const client of [clients[0], clients[2]]) {
        const status = (await client.action("chatRoomStatus", { room })).result;
        expect(Object.keys(status.members).sort()).toEqual(expected);
      }
    }
    // The rooms exist again for new members.
    expect((await clients[0].roomAdd("quiet")).status).toBe("OK");
  }, 60_000);

  test("a member that leaves while Redis is down is gone afterwards, and its presence leave is announced once", async () => {
    const watcher = clients[3];
    const leaver = await WebsocketTestClient.connect(nodes[0].url);
    await leaver.roomAdd("quiet");
    const isLeave = (message: Record<string, unknown>) =>
      message.context === "presence" &&
      message.event === "leave" &&
      message.key === leaver.id;
    await watcher.waitFor(
      (message) => message.context === "presence" && message.key === leaver.id,
    );

    // Once node-a's connections have failed to reconnect, it knows Redis is gone: the leave below cannot reach it.
    const noticed = nodes[0].printed("Redis connection `client` error");
    await redisServer.stop();
    await noticed;
    leaver.disconnect();
    const recovered = nodes[0].printed(
      "chat recovered after Redis was unreachable",
    );
    await redisServer.launch();
    await recovered;
    await watcher.waitFor(isLeave, "the leaver's presence leave");
    // A message said after the recovery, heard after any presence event before it.
    await clients[1].say("quiet", "after the leave");
    await watcher.hears("quiet", "after the leave");
    expect(watcher.received.filter(isLeave)).toHaveLength(1);
    const status = (
      await clients[2].action("chatRoomStatus", { room: "quiet" })
    ).result;
    expect(Object.keys(status.members)).not.toContain(leaver.id);
  }, 60_000);
});
