import { api, Process } from "actionhero";
import { chatConfig, socketPort, webUrl } from "../helpers/actionheroApp";
import { closingNotice } from "../helpers/closingNotice";
import { LineClient } from "../helpers/lineClient";
import { captureLogs } from "../helpers/logCapture";
import { PrometheusScrape } from "../helpers/prometheusText";

const actionhero = new Process();

const slowReaders = 8;

const closedByBudget = async () =>
  (await PrometheusScrape.of(`${webUrl()}/api/chat/metrics`)).value(
    "ah_chat_connections_closed_total",
    { reason: "node_write_budget" },
  );

describe("the node's output budget, on the socket server", () => {
  beforeAll(async () => {
    await actionhero.start();
    await api.chatRoom.add("budget");
  });
  afterAll(() => actionhero.stop());

  test("many clients that stop reading are cut by the node's budget while each holds less than maxWriteBuffer; a client that reads is not", async () => {
    const settings = chatConfig();
    const { maxNodeWriteBuffer } = settings;
    // Half of the 1 MiB maxWriteBuffer for all of them together: none is ever a slow reader alone.
    settings.maxNodeWriteBuffer = settings.maxWriteBuffer / 2;
    const logs = captureLogs();
    const cutBefore = await closedByBudget();
    try {
      const reader = await LineClient.connect(socketPort());
      await reader.request("roomAdd budget", 1);
      const sleepers = await Promise.all(
        Array.from({ length: slowReaders }, async () => {
          const sleeper = await LineClient.connect(socketPort());
          await sleeper.request("roomAdd budget", 1);
          sleeper.socket.pause();
          return sleeper;
        }),
      );
      const big = "z".repeat(32 * 1024);
      let sent = 0;
      while ((await api.chatRoom.roomStatus("budget")).membersCount > 1) {
        if (sent > 5000) throw new Error("the slow readers were never cut");
        await api.chatRoom.broadcast({}, "budget", `${sent++} ${big}`);
        await reader.hears("budget", `${sent - 1} ${big}`);
      }

      for (const sleeper of sleepers) sleeper.socket.resume();
      await Promise.all(sleepers.map((sleeper) => sleeper.closed));
      for (const sleeper of sleepers)
        expect(
          sleeper.received.filter(
            (message) => message.notice === "connectionClosed",
          ),
        ).toEqual([closingNotice("node_write_budget")]);
      expect((await closedByBudget()) - cutBefore).toBe(slowReaders);
      expect(
        logs.lines.some((line) =>
          /\[chat\] cut \d+ connections holding \d+ bytes unsent/.test(line),
        ),
      ).toBe(true);

      await api.chatRoom.broadcast({}, "budget", "after");
      await reader.hears("budget", "after");
      reader.end();
    } finally {
      logs.stop();
      settings.maxNodeWriteBuffer = maxNodeWriteBuffer;
    }
  });
});
