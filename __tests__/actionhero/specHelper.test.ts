import { api, chatRoom, config, Process, specHelper } from "actionhero";
import { specHelperMessage } from "../helpers/specHelperMessages";

const actionhero = new Process();

describe("specHelper connections and actionhero's own chat entry points", () => {
  beforeAll(() => actionhero.start());
  afterAll(() => actionhero.stop());

  beforeEach(async () => {
    await api.chatRoom.add("lobby");
  });
  afterEach(async () => {
    await api.chatRoom.destroy("lobby");
  });

  test("specHelper connections use the verbs and collect room messages in connection.messages", async () => {
    const alice = await specHelper.buildConnection();
    const bob = await specHelper.buildConnection();
    expect(await alice.verbs("roomAdd", "lobby")).toBe(true);
    await bob.verbs("roomAdd", ["lobby"]);
    await alice.verbs("say", ["lobby", "hello", "there"]);
    const heard = await specHelperMessage(
      bob,
      (message) => message.message === "hello there",
    );
    expect(heard).toEqual({
      message: "hello there",
      room: "lobby",
      from: alice.id,
      context: "user",
      sentAt: expect.any(Number),
    });
    expect(await bob.verbs("roomView", "lobby")).toMatchObject({
      room: "lobby",
      membersCount: 2,
    });
    expect(await alice.verbs("roomLeave", "lobby")).toBe(true);
    await expect(alice.verbs("roomView", "lobby")).rejects.toThrow(
      `connection "${alice.id}" is not a member of room "lobby"`,
    );
    await alice.destroy();
    await bob.destroy();
  });

  test("the chatRoom export of actionhero is the same chat as api.chatRoom", async () => {
    expect(await chatRoom.add("lobby")).toBe(0);
    expect(await chatRoom.exists("lobby")).toBe(true);
    const connection = await specHelper.buildConnection();
    expect(await chatRoom.addMember(connection.id, "lobby")).toBe(true);
    expect(await api.chatRoom.roomStatus("lobby")).toEqual(
      await chatRoom.roomStatus("lobby"),
    );
    expect((await chatRoom.roomStatus("lobby")).membersCount).toBe(1);
    expect(await chatRoom.removeMember(connection.id, "lobby")).toBe(true);
    await connection.destroy();
  });

  test("hooks replaced on the chatRoom export or on api.chatRoom are one and the same", async () => {
    const original = api.chatRoom.generateMemberDetails;
    const originalSanitize = api.chatRoom.sanitizeMemberDetails;
    chatRoom.generateMemberDetails = async (connection) => ({
      id: connection.id,
      joinedAt: 1,
      host: "here",
      name: connection.session!.name,
    });
    api.chatRoom.sanitizeMemberDetails = (member: any) => ({
      name: member.name,
    });
    try {
      expect(api.chatRoom.generateMemberDetails).toBe(
        chatRoom.generateMemberDetails,
      );
      const connection = await specHelper.buildConnection();
      connection.session!.name = "Alice";
      await connection.verbs("roomAdd", "lobby");
      expect(
        (await chatRoom.roomStatus("lobby")).members[connection.id],
      ).toEqual({ id: connection.id, name: "Alice" });
      await connection.destroy();
    } finally {
      api.chatRoom.generateMemberDetails = original;
      api.chatRoom.sanitizeMemberDetails = originalSanitize;
    }
  });

  test("api.chatRoom methods take a Node-style callback", async () => {
    const found = await new Promise((resolve, reject) =>
      api.chatRoom.exists("lobby", (error: Error | null, result?: boolean) =>
        error ? reject(error) : resolve(result),
      ),
    );
    expect(found).toBe(true);
  });

  test("config.general.startingChatRooms are created through the plugin", async () => {
    expect(Object.keys(config.general!.startingChatRooms as object)).toEqual([
      "defaultRoom",
      "otherRoom",
    ]);
    expect(await api.chatRoom.exists("defaultRoom")).toBe(true);
    expect(await api.chatRoom.exists("otherRoom")).toBe(true);
    expect((await api.chatRoom.list()).sort()).toEqual([
      "defaultRoom",
      "lobby",
      "otherRoom",
    ]);
  });

  test("core's chat keys and pub/sub handler are not used", async () => {
    expect(api.redis.subscriptionHandlers.chat).toBeUndefined();
    expect(
      await api.redis.clients.client.keys("actionhero:chatRoom:*"),
    ).toEqual([]);
    expect((await api.redis.clients.client.keys("ah-chat:*")).sort()).toEqual([
      `ah-chat:node:${api.chatRoom.nodeId}`,
      "ah-chat:nodes",
      "ah-chat:rooms",
      "ah-chat:{defaultRoom}:room",
      "ah-chat:{lobby}:room",
      "ah-chat:{otherRoom}:room",
    ]);
  });

  test("connection.destroy() leaves every room", async () => {
    await api.chatRoom.add("kitchen");
    const connection = await specHelper.buildConnection();
    await connection.verbs("roomAdd", "lobby");
    await connection.verbs("roomAdd", "kitchen");
    await connection.destroy();
    expect((await api.chatRoom.roomStatus("lobby")).membersCount).toBe(0);
    expect((await api.chatRoom.roomStatus("kitchen")).membersCount).toBe(0);
    await api.chatRoom.destroy("kitchen");
  });

  test("web connections cannot join rooms", async () => {
    const refusal = new Promise<Error>((resolve) =>
      api.connections.addMiddleware({
        name: "web joins lobby",
        create: (connection: { id: string; type: string }) => {
          if (connection.type === "web")
            api.chatRoom.addMember(connection.id, "lobby").catch(resolve);
        },
      }),
    );
    const port = (api.servers.servers.web.server.address() as { port: number })
      .port;
    await fetch(`http://127.0.0.1:${port}/api/logIn`);
    expect((await refusal).message).toMatch(
      /^connection ".+" \(web\) cannot chat$/,
    );
    delete api.connections.middleware["web joins lobby"];
    api.connections.globalMiddleware = api.connections.globalMiddleware.filter(
      (name) => name !== "web joins lobby",
    );
  });
});
