import "./fakeModeEnv";
import { api, Process, specHelper } from "actionhero";
import { captureLogs } from "../helpers/logCapture";
import { specHelperMessage } from "../helpers/specHelperMessages";

describe("fake: true", () => {
  const actionhero = new Process();
  const logs = captureLogs();

  beforeAll(() => actionhero.start());
  afterAll(async () => {
    logs.stop();
    await actionhero.stop();
  });

  test("chat runs on an in-memory Redis and the log says it is not shared across nodes", async () => {
    expect(logs.lines).toContain(
      "[chat] ah-chat-plugin started: rooms in in-memory Redis (ioredis-mock), messages through in-memory Redis (ioredis-mock)",
    );
    expect(logs.lines).toContain(
      "[chat] chat is in memory: rooms and messages are not shared across nodes",
    );
    await api.chatRoom.add("lobby");
    const connection = await specHelper.buildConnection();
    await connection.verbs("roomAdd", "lobby");
    await api.chatRoom.broadcast({}, "lobby", "in memory");
    expect(
      await specHelperMessage(
        connection,
        (message) => message.message === "in memory",
      ),
    ).toMatchObject({
      room: "lobby",
      from: "0",
    });
    await connection.destroy();
  });
});
