import { ChatSocketClient } from "../../src";
import { DemoApp } from "../helpers/demoApp";
import { RedisServer } from "../helpers/redisServer";

test("two demos on one Redis (REDIS_URL) on different ports are one chat", async () => {
  const redisServer = await RedisServer.start();
  const env = { REDIS_URL: `redis://127.0.0.1:${redisServer.port}/0` };
  const demos = await Promise.all([DemoApp.start(env), DemoApp.start(env)]);
  const clients = demos.map(
    (demo) => new ChatSocketClient({ port: demo.socketPort }),
  );
  try {
    expect(demos[0].output).toContain(
      `rooms in redis 127.0.0.1:${redisServer.port} db 0`,
    );
    await Promise.all(clients.map((client) => client.connect()));
    await Promise.all(clients.map((client) => client.roomAdd("lobby")));
    const heard = clients[1].nextSay(
      (message) => message.message === "across demos",
    );
    await clients[0].say("lobby", "across demos");
    expect((await heard).from).toBe(clients[0].id);
  } finally {
    clients.forEach((client) => client.close());
    await Promise.all(demos.map((demo) => demo.stop()));
    await redisServer.stop();
  }
});
