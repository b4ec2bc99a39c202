import { ControlChannel } from "../../src/controlChannel";
import { ChatKeys } from "../../src/keys";

describe("the control channel", () => {
  test("a reply that cannot be published is logged, and handling the request still resolves", async () => {
    const logs: string[] = [];
    const control = new ControlChannel(
      () => Promise.reject(new Error("Redis is down")),
      new ChatKeys("test:"),
      "node-a",
      "token",
      100,
      (message) => logs.push(message),
    );
    control.on("ping", () => "pong");
    await expect(
      control.receive(
        JSON.stringify({
          serverToken: "token",
          from: "node-b",
          type: "ping",
          requestId: "r1",
        }),
      ),
    ).resolves.toBeUndefined();
    expect(logs).toEqual(['could not answer ping from node "node-b"']);
  });

  test("JSON that is not a control message is ignored", async () => {
    const logs: string[] = [];
    const control = new ControlChannel(
      () => Promise.resolve(),
      new ChatKeys("test:"),
      "node-a",
      "token",
      100,
      (message) => logs.push(message),
    );
    for (const json of ["null", "5", '"text"', "[]"])
      await expect(control.receive(json)).resolves.toBeUndefined();
    expect(logs).toHaveLength(4);
  });
});
