// The Redis the bench's nodes chat on: one redis-server, a Redis Cluster of three masters
// (`--redis cluster`; the application's own Redis, actionhero's cache, stays on one redis-server),
// each on free loopback ports and emptied between runs, or ioredis-mock in the node (`--redis memory`).
const { spawn, execFileSync } = require("child_process");
const fs = require("fs");
const net = require("net");
const os = require("os");
const path = require("path");
const Redis = require("ioredis");

/** Starts one redis-server and resolves once it accepts connections. */
function startServer(port, extraArguments, track) {
  const child = track(
    spawn("redis-server", [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no",
      ...extraArguments,
    ]),
  );
  return new Promise((resolve, reject) => {
    let output = "";
    child.stdout.on("data", (chunk) => {
      output += chunk;
      if (output.includes("Ready to accept connections")) resolve(child);
    });
    child.once("exit", (code) =>
      reject(new Error(`redis-server exited (${code}): ${output}`)),
    );
  });
}

/**
 * Samples, every 100 ms, the largest output buffer Redis holds for any client (the subscriber of a
 * node that is behind is the one that grows) on the given servers; `stop()` resolves the peak in bytes.
 */
function sampleOutputBuffers(ports) {
  const sockets = ports.map((port) => net.connect(port, "127.0.0.1"));
  let peak = 0;
  for (const socket of sockets) {
    socket.setEncoding("utf8");
    socket.on("data", (text) => {
      const match = /client_recent_max_output_buffer:(\d+)/.exec(text);
      if (match) peak = Math.max(peak, Number(match[1]));
    });
    socket.on("error", () => undefined);
  }
  const timer = setInterval(
    () => sockets.forEach((socket) => socket.write("INFO clients\r\n")),
    100,
  );
  return {
    stop() {
      clearInterval(timer);
      sockets.forEach((socket) => socket.destroy());
      return peak;
    },
  };
}

/** Chat's members hashes (src/keys.ts, under the default `keyPrefix`): one per room. */
const membersPattern = "ah-chat:{*}:members";
const countMembers = `local count = 0
for _, key in ipairs(redis.call("KEYS", ARGV[1])) do count = count + redis.call("HLEN", key) end
return count`;

/** `members()` resolves how many members all rooms have on the given servers; `close()` ends it. */
function memberCounter(ports) {
  let connections;
  return {
    async members() {
      connections ??= ports.map((port) => new Redis(port, "127.0.0.1"));
      const counts = await Promise.all(
        connections.map((redis) => redis.eval(countMembers, 0, membersPattern)),
      );
      return counts.reduce((total, count) => total + count, 0);
    },
    close: () => connections?.forEach((redis) => redis.disconnect()),
  };
}

const redisCli = (port, ...command) =>
  execFileSync("redis-cli", ["-p", String(port), ...command], {
    encoding: "utf8",
  });

async function startRedis(kind, freePort, track) {
  if (kind === "memory")
    return {
      description:
        "the in-memory Redis (ioredis-mock, in the node, as `npm start` runs)",
      pids: [],
      env: { BENCH_REDIS_MEMORY: "true" },
      flush: () => undefined,
      sampleOutputBuffers: () => ({ stop: () => undefined }),
      stop: () => undefined,
    };
  const port = await freePort();
  const server = await startServer(port, [], track);
  const counter = memberCounter([port]);
  const single = {
    description: "one redis-server",
    /** The processes of the Redis that chat uses, for its CPU time. */
    pids: [server.pid],
    env: { REDIS_PORT: String(port) },
    flush: () => redisCli(port, "flushall"),
    sampleOutputBuffers: () => sampleOutputBuffers([port]),
    members: counter.members,
    stop: () => {
      counter.close();
      server.kill();
    },
  };
  if (kind === "server") return single;
  if (kind !== "cluster")
    throw new Error(`--redis is server, cluster or memory, not ${kind}`);
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), "ah-chat-bench-"));
  const ports = [await freePort(), await freePort(), await freePort()];
  const children = await Promise.all(
    ports.map((port) =>
      startServer(
        port,
        [
          "--cluster-enabled",
          "yes",
          "--cluster-config-file",
          path.join(directory, `nodes-${port}.conf`),
          "--dir",
          directory,
        ],
        track,
      ),
    ),
  );
  const seeds = ports.map((port) => `127.0.0.1:${port}`);
  const clusterCounter = memberCounter(ports);
  execFileSync(
    "redis-cli",
    [
      "--cluster",
      "create",
      ...seeds,
      "--cluster-replicas",
      "0",
      "--cluster-yes",
    ],
    { stdio: "ignore" },
  );
  // `--cluster create` returns once the slots are assigned; each master says when it agrees.
  while (
    !ports.every((port) =>
      redisCli(port, "cluster", "info").includes("cluster_state:ok"),
    )
  )
    await new Promise((resolve) => setTimeout(resolve, 100));
  return {
    description: "a Redis Cluster of 3 masters",
    pids: children.map((child) => child.pid),
    env: { ...single.env, BENCH_REDIS_CLUSTER: seeds.join(",") },
    flush: () => {
      single.flush();
      ports.forEach((port) => redisCli(port, "flushall"));
    },
    sampleOutputBuffers: () => sampleOutputBuffers(ports),
    members: clusterCounter.members,
    stop: () => {
      clusterCounter.close();
      single.stop();
      children.forEach((child) => child.kill());
      fs.rmSync(directory, { recursive: true, force: true });
    },
  };
}

module.exports = { startRedis };
