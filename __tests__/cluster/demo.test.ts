import { ChatSocketClient } from "../../src";
import { DemoApp } from "../helpers/demoApp";
import { RedisCluster } from "../helpers/redisCluster";
import { RedisServer } from "../helpers/redisServer";

/** Two demos on one Redis chat as one: a client of each joins the lobby, and one hears the other. */
async function twoDemosChat(env: Record<string, string>, expectedLog: string) {
  const demos = await Promise.all([DemoApp.start(env), DemoApp.start(env)]);
  const clients = demos.map(
    (demo) => new ChatSocketClient({ port: demo.socketPort }),
  );
  try {
    expect(demos[0].output).toContain(expectedLog);
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
  }
}

test("two demos on one Redis (REDIS_URL) on different ports are one chat", async () => {
  const redisServer = await RedisServer.start();
  try {
    await twoDemosChat(
      { REDIS_URL: `redis://127.0.0.1:${redisServer.port}/0` },
      `rooms in redis 127.0.0.1:${redisServer.port} db 0`,
    );
  } finally {
    await redisServer.stop();
  }
});

test("two demos on one Redis Cluster (REDIS_CLUSTER) are one chat", async () => {
  const redisCluster = await RedisCluster.start();
  try {
    await twoDemosChat(
      { REDIS_CLUSTER: redisCluster.seeds },
      `rooms in redis cluster ${redisCluster.seeds}`,
    );
  } finally {
    await redisCluster.stop();
  }
}, 60_000);
