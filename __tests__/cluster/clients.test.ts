import {
  ChatSocketClient,
  ChatWebsocketClient,
  type ChatClient,
} from "../../src";
import { ClusterNode } from "../helpers/clusterNode";
import { RedisServer } from "../helpers/redisServer";

describe("socket and websocket clients on two nodes", () => {
  let redisServer: RedisServer;
  let nodes: ClusterNode[];
  let socketClient: ChatSocketClient;
  let websocketClient: ChatWebsocketClient;

  beforeAll(async () => {
    redisServer = await RedisServer.start();
    nodes = await Promise.all(
      ["node-a", "node-b"].map((title) =>
        ClusterNode.start(title, redisServer.port),
      ),
    );
    socketClient = new ChatSocketClient({
      port: nodes[0].socketPort,
      reconnect: { minDelay: 50, maxDelay: 200 },
    });
    websocketClient = new ChatWebsocketClient({
      url: nodes[1].url,
      reconnect: { minDelay: 50, maxDelay: 200 },
    });
    await Promise.all([socketClient.connect(), websocketClient.connect()]);
    await socketClient.action("chatAdd", { room: "lobby" });
    await socketClient.roomAdd("lobby");
    await websocketClient.roomAdd("lobby");
  });
  afterAll(async () => {
    socketClient?.close();
    websocketClient?.close();
    await Promise.all((nodes ?? []).map((node) => node.stop()));
    await redisServer?.stop();
  });

  const hearEachOther = async (
    first: ChatClient,
    second: ChatClient,
    text: string,
  ) => {
    const heardBySecond = second.nextSay(
      (message) => message.message === `${text} from the first`,
    );
    await first.say("lobby", `${text} from the first`);
    expect((await heardBySecond).from).toBe(first.id);
    const heardByFirst = first.nextSay(
      (message) => message.message === `${text} from the second`,
    );
    await second.say("lobby", `${text} from the second`);
    expect((await heardByFirst).from).toBe(second.id);
  };

  test("a socket client on one node and a websocket client on another hear each other", async () => {
    await hearEachOther(socketClient, websocketClient, "hello");
  });

  test.each([
    ["socket", 0],
    ["websocket", 1],
  ])(
    "after its node restarts, the %s client reconnects, rejoins its rooms and chats again",
    async (_kind, index) => {
      const client = index === 0 ? socketClient : websocketClient;
      const other = index === 0 ? websocketClient : socketClient;
      const oldId = client.id;
      const reconnected = new Promise((resolve) =>
        client.once("reconnect", resolve),
      );
      const node = nodes[index];
      await node.stop();
      nodes[index] = await ClusterNode.start(
        node.title,
        redisServer.port,
        {},
        { port: node.port, socketPort: node.socketPort },
      );
      await reconnected;
      expect(client.id).not.toBe(oldId);
      expect((await client.detailsView()).rooms).toEqual(["lobby"]);
      await hearEachOther(client, other, `after the restart of ${node.title}`);
    },
  );
});
