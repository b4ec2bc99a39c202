import * as net from "net";
import { api, Process } from "actionhero";
import RedisMock from "ioredis-mock";
import { socketPort } from "../helpers/actionheroApp";
import { LineClient } from "../helpers/lineClient";

test("stopping the server says goodbye to each connection, takes it out of its rooms and frees the port", async () => {
  const actionhero = new Process();
  await actionhero.start();
  await api.chatRoom.add("lobby");
  const port = socketPort();
  const client = await LineClient.connect(port);
  await client.request("roomAdd lobby", 1);

  await actionhero.stop();

  await client.closed;
  expect(client.received.at(-1)).toEqual({ status: "Bye", context: "api" });
  const store = new RedisMock();
  expect(await store.hkeys("ah-chat:{lobby}:members")).toEqual([]);
  store.disconnect();
  const server = net.createServer();
  await new Promise<void>((resolve, reject) =>
    server.once("error", reject).listen(port, "0.0.0.0", resolve),
  );
  server.close();
});
