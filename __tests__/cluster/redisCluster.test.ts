import { EventEmitter } from "events";
import { setTimeout as pace } from "timers/promises";
import { writeArtifact } from "../helpers/artifacts";
import { ClusterNode } from "../helpers/clusterNode";
import { RedisCluster } from "../helpers/redisCluster";
import { freePort, RedisServer } from "../helpers/redisServer";
import { TestCluster } from "../helpers/testCluster";
import type { WebsocketTestClient } from "../helpers/websocketClient";

const nodeTimeout = 3000;
const roomCount = 30;
const busyRoom = "busy";
/** A say every this many ms from each sender (the pace of the traffic): well under the say rate limit. */
const sayInterval = 20;

describe("chat on a Redis Cluster: rooms over the shards, a master killed, a node killed", () => {
  let redisCluster: RedisCluster;
  let cluster: TestCluster;
  let clients: WebsocketTestClient[];

  beforeAll(async () => {
    redisCluster = await RedisCluster.start();
    cluster = await TestCluster.start(
      ["node-a", "node-b", "node-c"],
      redisCluster,
      {
        CHAT_NODE_TIMEOUT: String(nodeTimeout),
        CHAT_HISTORY_SIZE: "100",
        CHAT_PRESENCE_EVENTS: "true",
      },
    );
    clients = await cluster.connectClients(6);
  }, 60_000);
  afterAll(async () => {
    await cluster?.stop();
    await redisCluster?.stop();
  });

  const memberIdsOn = async (client: WebsocketTestClient, room: string) => {
    const response = await client.action("chatRoomStatus", { room });
    if (!response.result) throw new Error(JSON.stringify(response));
    return Object.keys(response.result.members).sort();
  };

  /**
   * Resolves once `client`s node lists exactly `ids` in `room`. A node taken for dead while a master was
   * replaced (the test's nodeTimeout is shorter than a failover) has its members reaped, announced as
   * leaves, and written back at its next tick, announced as joins: that may happen at any time around
   * a read, so while the list differs, the next presence event of the room is waited for and it is
   * read again. `check` runs on every list read.
   */
  async function untilListed(
    clientsToAsk: WebsocketTestClient[],
    room: string,
    ids: string[],
    check: (listed: string[]) => void = () => undefined,
  ) {
    const presenceEvents = () =>
      clientsToAsk[0].received.filter(
        (message) => message.context === "presence" && message.room === room,
      ).length;
    const listedOnEach = async () => {
      for (const client of clientsToAsk) {
        const listed = await memberIdsOn(client, room);
        check(listed);
        if (listed.join() !== [...ids].sort().join()) return false;
      }
      return true;
    };
    for (;;) {
      const eventsBefore = presenceEvents();
      if (await listedOnEach()) return;
      await clientsToAsk[0].waitFor(
        () => presenceEvents() > eventsBefore,
        "the join of a member written back after a reaping",
      );
    }
  }

  test(`${roomCount} rooms spread their keys and sharded channels over the masters, and no room uses unsharded pub/sub`, async () => {
    const rooms = Array.from({ length: roomCount }, (_, n) => `spread-${n}`);
    for (const room of rooms) {
      await clients[0].action("chatAdd", { room });
      expect((await clients[0].roomAdd(room)).status).toBe("OK");
    }
    const masters = await redisCluster.masters();
    const perMaster = await Promise.all(
      masters.map(async (master) => {
        const connection = master.client();
        try {
          const keys = await connection.keys("ah-chat:{spread-*}:*");
          const channels = (await connection.call(
            "pubsub",
            "shardchannels",
            "ah-chat:{spread-*}:messages",
          )) as string[];
          return { keys: keys.length, channels: channels.length };
        } finally {
          connection.disconnect();
        }
      }),
    );
    expect(
      perMaster.filter(({ keys }) => keys > 0).length,
    ).toBeGreaterThanOrEqual(2);
    expect(
      perMaster.filter(({ channels }) => channels > 0).length,
    ).toBeGreaterThanOrEqual(2);
    expect(perMaster.reduce((sum, { channels }) => sum + channels, 0)).toBe(
      roomCount,
    );
    for (const server of redisCluster.servers) {
      const connection = server.client();
      try {
        expect(await connection.pubsub("CHANNELS", "ah-chat:*")).toEqual([]);
      } finally {
        connection.disconnect();
      }
    }
    for (const room of rooms) await clients[0].action("chatDestroy", { room });
  });

  test("presence events and history recovery work across nodes on the cluster", async () => {
    const room = "recovering";
    const [watcher, visitor, sender] = [clients[0], clients[1], clients[2]];
    await watcher.action("chatAdd", { room });
    await watcher.roomAdd(room);
    await sender.roomAdd(room);
    const presenceOf = (event: string) =>
      watcher.waitFor(
        (message) =>
          message.context === "presence" &&
          message.room === room &&
          message.event === event &&
          message.key === visitor.id,
        `presence ${event} of ${visitor.id}`,
      );

    await visitor.roomAdd(room);
    await presenceOf("join");
    await sender.say(room, "heard live");
    const { id: lastHeard } = await visitor.hears(room, "heard live");
    await visitor.roomLeave(room);
    await presenceOf("leave");
    await sender.say(room, "missed 1");
    await sender.say(room, "missed 2");

    const rejoined = await visitor.send({
      event: "roomAdd",
      room,
      since: lastHeard,
    });
    expect(rejoined.data).toEqual({ recovered: true });
    await visitor.hears(room, "missed 2");
    expect(
      visitor.said
        .filter((message) => message.room === room)
        .map(({ message }) => message),
    ).toEqual(["heard live", "missed 1", "missed 2"]);
    await watcher.action("chatDestroy", { room });
  });

  /**
   * Members of `room` on every node, two senders saying throughout; `stopMaster` takes the master of
   * the room's slot away, and its replica takes over. Asserts what a user relies on, and records the
   * figures in the artifact `name`.
   */
  async function failover(
    room: string,
    name: string,
    stopMaster: (master: RedisServer) => Promise<void>,
  ) {
    await clients[0].action("chatAdd", { room });
    for (const client of clients)
      expect((await client.roomAdd(room)).status).toBe("OK");
    const master = await redisCluster.masterOf(`ah-chat:{${room}}:room`);

    // Two senders on two nodes say numbered messages, one after another, until told to stop.
    const answeredOk: { text: string; sentAt: number }[] = [];
    const refused: string[] = [];
    const answers = new EventEmitter();
    /** Resolves once the says answered OK so far satisfy `condition`. */
    const answered = (condition: () => boolean) =>
      new Promise<void>((resolve) => {
        const check = () => {
          if (!condition()) return;
          answers.off("ok", check);
          resolve();
        };
        answers.on("ok", check);
        check();
      });
    let sending = true;
    const send = async (sender: WebsocketTestClient, senderName: string) => {
      for (let n = 0; sending; n++) {
        const text = `${senderName}-${n}`;
        const sentAt = Date.now();
        const response = await sender.say(room, text);
        if (response.status === "OK") {
          answeredOk.push({ text, sentAt });
          answers.emit("ok");
        } else refused.push(String(response.error));
        await pace(sayInterval);
      }
    };
    const senders = [send(clients[0], "a"), send(clients[1], "b")];
    await answered(() => answeredOk.length >= 20);

    // Every node sees the master replaced (by its connections, or by the masters' run ids) and recovers.
    const recovered = cluster.nodes.map((node) =>
      node.printed("chat recovered after Redis was unreachable"),
    );
    const takenOver = redisCluster.replicaTakesOver(master);
    await stopMaster(master);
    const stoppedAt = Date.now();
    await takenOver;
    const promotedAt = Date.now();
    const firstOkAfter = () =>
      answeredOk.find(({ sentAt }) => sentAt > promotedAt);
    await answered(() => firstOkAfter() !== undefined);
    const flowingAgainAt = Date.now();
    await Promise.all(recovered);
    const recoveredAt = Date.now();
    // A while more of traffic after the failover.
    const target = answeredOk.length + 40;
    await answered(() => answeredOk.length >= target);
    sending = false;
    await Promise.all(senders);

    // Each sender's messages arrive in the order it sent them: once its last one is heard, any missing is lost.
    const lastOfEachSender = ["a", "b"].map((senderName) =>
      answeredOk.filter(({ text }) => text.startsWith(`${senderName}-`)).pop()!,
    );
    for (const client of clients)
      for (const { text } of lastOfEachSender) await client.hears(room, text);
    const lost = clients.flatMap((client) =>
      answeredOk.filter(({ text }) => !client.heard(room, text)),
    ).length;
    expect(lost).toBe(0);
    // With history on, no message id is given twice, even by the replica that took over.
    for (const client of clients) {
      const ids = client.said
        .filter((message) => message.room === room)
        .map((message) => (message as { id?: string }).id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).not.toContain(undefined);
    }
    await untilListed(
      clients.slice(0, 3),
      room,
      clients.map((client) => client.id),
    );
    expect(firstOkAfter()!.sentAt - promotedAt).toBeLessThan(15_000);
    expect(recoveredAt - promotedAt).toBeLessThan(15_000);
    for (const error of refused) expect(error).toContain("chat is unavailable");

    writeArtifact(name, {
      promotedAfterMs: promotedAt - stoppedAt,
      flowingAgainAfterPromotionMs: flowingAgainAt - promotedAt,
      everyNodeRecoveredAfterPromotionMs: recoveredAt - promotedAt,
      answeredOk: answeredOk.length,
      refused: refused.length,
      refusedErrors: [...new Set(refused)],
      lost,
    });
  }

  test("kill -9 of the master of a busy room: messages flow again within 15 s of the promotion, every member stays listed, no say answered OK is lost", async () => {
    await failover(busyRoom, "redis-cluster-failover", (master) =>
      master.kill(),
    );
  }, 60_000);

  test("a master that stops answering without closing its connections (SIGSTOP): the same", async () => {
    // A room whose master still has a replica (the one killed above left a master without one).
    const room = await redisCluster.roomOnMasterWithReplica(
      (name) => `ah-chat:{${name}}:room`,
    );
    await failover(room, "redis-cluster-frozen-master", (master) =>
      master.freeze(),
    );
  }, 60_000);

  test("a node killed with -9: the survivors reap its members from the cluster", async () => {
    const [, , nodeC] = cluster.nodes;
    const theirs = [clients[2], clients[5]].map((client) => client.id);
    const reaped = Promise.race(
      cluster.nodes
        .slice(0, 2)
        .map((node) => node.printed('members of dead node "node-c')),
    );
    await nodeC.kill();
    await reaped;
    const survivors = clients
      .map((client) => client.id)
      .filter((id) => !theirs.includes(id));
    // Reaped once, node-c's members never come back; the survivors' may be reaped and written back.
    await untilListed([clients[0]], busyRoom, survivors, (listed) => {
      for (const id of theirs) expect(listed).not.toContain(id);
    });
  }, 30_000);
});

describe("a Redis Cluster chat cannot use", () => {
  test("a node whose cluster seeds do not answer fails to boot, saying so", async () => {
    const redisServer = await RedisServer.start();
    const closedPort = await freePort();
    try {
      await expect(
        ClusterNode.start("no-cluster", redisServer.port, {
          CHAT_CLUSTER: `127.0.0.1:${closedPort}`,
        }),
      ).rejects.toThrow(
        `chat cannot reach the redis cluster 127.0.0.1:${closedPort}`,
      );
    } finally {
      await redisServer.stop();
    }
  });
});
