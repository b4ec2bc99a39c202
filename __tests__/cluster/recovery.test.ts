import {
  ChatSocketClient,
  ChatWebsocketClient,
  type ChatClient,
  type MessagePayload,
} from "../../src";
import { setTimeout as pace } from "timers/promises";
import { ClusterNode } from "../helpers/clusterNode";
import { RedisServer } from "../helpers/redisServer";

const chatEnv = {
  CHAT_HISTORY_SIZE: "1000",
  CHAT_PRESENCE_EVENTS: "true",
  CHAT_NODE_TIMEOUT: "1000",
  CHAT_PRESENCE_BY_USER: "true",
};

/** Resolves with the room of the next `recovered` or `gap` event, and which it was. */
function nextRecovery(client: ChatClient) {
  return new Promise<{ event: "recovered" | "gap"; room: string }>(
    (resolve) => {
      client.once("recovered", (room: string) =>
        resolve({ event: "recovered", room }),
      );
      client.once("gap", (room: string) => resolve({ event: "gap", room }));
    },
  );
}

describe("presence, history and recovery on three nodes", () => {
  let redisServer: RedisServer;
  let nodes: ClusterNode[];
  let clients: ChatClient[];

  beforeAll(async () => {
    redisServer = await RedisServer.start();
    nodes = await Promise.all(
      ["node-a", "node-b", "node-c"].map((title) =>
        ClusterNode.start(title, redisServer.port, chatEnv),
      ),
    );
    const admin = new ChatWebsocketClient({
      url: nodes[0].url,
      reconnect: false,
    });
    await admin.connect();
    await admin.action("chatAdd", { room: "lobby" });
    admin.close();
  }, 30_000);
  afterEach(() => clients?.forEach((client) => client.close()));
  afterAll(async () => {
    await Promise.all((nodes ?? []).map((node) => node.stop()));
    await redisServer?.stop();
  });

  /** Restarts node `index` at the same ports. */
  async function restartNode(index: number) {
    const node = nodes[index];
    await node.stop();
    nodes[index] = await ClusterNode.start(
      node.title,
      redisServer.port,
      chatEnv,
      node.ports,
    );
  }

  /**
   * A watcher on node-a in "lobby", recording the presence events it hears, and two other clients,
   * not in the room yet: a websocket one on node `websocketNode` and a TCP one on node-c.
   */
  async function watchingTwo(websocketNode: number) {
    const watcher = new ChatWebsocketClient({
      url: nodes[0].url,
      reconnect: false,
    });
    const others = [
      new ChatWebsocketClient({
        url: nodes[websocketNode].url,
        reconnect: false,
      }),
      new ChatSocketClient({ port: nodes[2].socketPort, reconnect: false }),
    ];
    clients = [watcher, ...others];
    await Promise.all(clients.map((each) => each.connect()));
    const presence: Record<string, unknown>[] = [];
    watcher.on("presence", (message: Record<string, unknown>) =>
      presence.push(message),
    );
    await watcher.roomAdd("lobby");
    return { watcher, presence, others };
  }

  test.each([
    ["socket", 0],
    ["websocket", 1],
  ])(
    "the %s client gets every message said while its node restarted, in order, none twice, with a sender on another node saying throughout",
    async (kind, index) => {
      const reconnect = { minDelay: 20, maxDelay: 100 };
      const client =
        kind === "socket"
          ? new ChatSocketClient({ port: nodes[index].socketPort, reconnect })
          : new ChatWebsocketClient({ url: nodes[index].url, reconnect });
      const sender = new ChatWebsocketClient({
        url: nodes[2].url,
        reconnect: false,
      });
      clients = [client, sender];
      await Promise.all(clients.map((each) => each.connect()));
      await client.roomAdd("lobby");
      await sender.roomAdd("lobby");
      const heard: MessagePayload[] = [];
      client.on("say", (message: MessagePayload) => {
        if (message.from === sender.id) heard.push(message);
      });

      // The sender says about 100 messages a second until told to stop; each answered OK is recorded.
      const acknowledged: string[] = [];
      let saying = true;
      const sending = (async () => {
        for (let n = 0; saying; n++) {
          await sender.say("lobby", `${kind} ${n}`);
          acknowledged.push(`${kind} ${n}`);
          await pace(10);
        }
      })();
      await client.nextSay((message) => message.from === sender.id);
      const recovery = nextRecovery(client);
      await restartNode(index);
      expect(await recovery).toEqual({ event: "recovered", room: "lobby" });
      // A few more after the recovery, then the last one must arrive too.
      const countAtRecovery = acknowledged.length;
      await client.nextSay(
        (message) => message.message === `${kind} ${countAtRecovery + 5}`,
      );
      saying = false;
      await sending;
      const last = acknowledged[acknowledged.length - 1];
      if (!heard.some((message) => message.message === last))
        await client.nextSay((message) => message.message === last);

      const texts = heard.map((message) => message.message);
      const first = acknowledged.indexOf(String(texts[0]));
      expect(first).toBeGreaterThanOrEqual(0);
      expect(texts).toEqual(acknowledged.slice(first));
    },
    60_000,
  );

  test("after Redis restarted empty, a client that reconnects is told of the gap, and chats on in the new history", async () => {
    const client = new ChatWebsocketClient({
      url: nodes[1].url,
      reconnect: { minDelay: 20, maxDelay: 100 },
    });
    const sender = new ChatWebsocketClient({
      url: nodes[0].url,
      reconnect: false,
    });
    clients = [client, sender];
    await Promise.all(clients.map((each) => each.connect()));
    await client.roomAdd("lobby");
    await sender.roomAdd("lobby");
    const before = client.nextSay((message) => message.message === "before");
    await sender.say("lobby", "before");
    const { id: beforeId } = await before;

    const recoveredAfterRestart = nodes.map((node) =>
      node.printed(
        "chat recovered after Redis was unreachable (Redis had restarted)",
      ),
    );
    await redisServer.stop();
    await redisServer.launch();
    await Promise.all(recoveredAfterRestart);
    // The history went with Redis: the client, reconnecting after its node restarts, learns of the gap.
    const recovery = nextRecovery(client);
    await restartNode(1);
    expect(await recovery).toEqual({ event: "gap", room: "lobby" });
    expect(beforeId).toEqual(expect.any(String));
    // And it chats on, with ids of the new history.
    const after = client.nextSay((message) => message.message === "after");
    await sender.say("lobby", "after");
    expect((await after).id).not.toEqual(beforeId);
  });

  test("two connections of one user on two nodes, joining and leaving at the same moment, are one join and one leave", async () => {
    const { watcher, presence, others: tabs } = await watchingTwo(1);
    await Promise.all(
      tabs.map((tab) => tab.action("identify", { user: "ann" })),
    );
    const annEvents = () =>
      presence
        .filter((message) => message.key === "ann")
        .map((message) => message.event);
    /** Resolves once a message said now has reached the watcher: any presence event before it has too. */
    const fence = async (text: string) => {
      const heard = watcher.nextSay((message) => message.message === text);
      await watcher.say("lobby", text);
      await heard;
    };

    await Promise.all(tabs.map((tab) => tab.roomAdd("lobby")));
    await fence("both tabs joined");
    expect(annEvents()).toEqual(["join"]);
    const [join] = presence.filter((message) => message.key === "ann");
    expect(join.member).toEqual({ user: "ann" });
    // Every node counts the same: one presence, two connections.
    for (const node of nodes) {
      const client = new ChatWebsocketClient({
        url: node.url,
        reconnect: false,
      });
      await client.connect();
      const { result } = await client.action("chatPresence", { room: "lobby" });
      client.close();
      expect(result.members.ann).toEqual({
        key: "ann",
        connections: 2,
        user: "ann",
      });
    }

    await Promise.all(tabs.map((tab) => tab.roomLeave("lobby")));
    await fence("both tabs left");
    expect(annEvents()).toEqual(["join", "leave"]);
  });

  test("a node killed with -9: the survivors announce each of its members' leave once", async () => {
    const { watcher, presence, others: doomed } = await watchingTwo(2);
    for (const client of doomed) await client.roomAdd("lobby");
    const doomedIds = doomed.map((client) => client.id);
    const leaves = () =>
      presence
        .filter((message) => message.event === "leave")
        .map((message) => message.key);
    const joined = new Promise<void>((resolve) => {
      const check = () =>
        doomedIds.every((id) =>
          presence.some(
            (message) => message.event === "join" && message.key === id,
          ),
        ) && resolve();
      watcher.on("presence", check);
      check();
    });
    await joined;

    const bothLeft = new Promise<void>((resolve) => {
      const check = () =>
        doomedIds.every((id) => leaves().includes(id)) && resolve();
      watcher.on("presence", check);
    });
    await nodes[2].kill();
    await bothLeft;
    // Said after the leaves, heard after any presence event they caused: nothing announced twice.
    const fence = watcher.nextSay((message) => message.message === "fence");
    await watcher.say("lobby", "fence");
    await fence;
    expect(leaves().sort()).toEqual([...doomedIds].sort());
    nodes[2] = await ClusterNode.start("node-c", redisServer.port, chatEnv);
  }, 30_000);
});
