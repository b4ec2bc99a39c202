// `--modes scale`: one node holding all `--clients` connections. Per system it measures the join
// storm, the server's RSS per idle connection, the cost per delivery at `--rate` with every client
// connected, a mass drop of every client at once (then whether the node still chats), and the
// node's stop with every client joined. The clients are split over load processes of at most
// 10,000 (each well under the open files limit), each from a loopback source address of its own
// (each then has the ~28,000 ephemeral ports of a source and destination pair to itself). The
// server's connections and Redis's members are polled every 20 ms: the resolution of the drop time.
const { fork } = require("child_process");
const path = require("path");
const { performance } = require("perf_hooks");
const { connect, roomAdd } = require("./load");

const clientsPerLoad = 10_000;
const pollMs = 20;
// Long enough for the allocations of the join storm to be done with (RSS has no event to wait for).
const settleMs = 2000;
const patienceMs = 60_000;

const now = () => performance.timeOrigin + performance.now();
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** `promise`'s value, or `fallback` if it has not settled within `ms`. */
async function within(ms, promise, fallback) {
  let timer;
  const late = new Promise((resolve) => (timer = setTimeout(resolve, ms)));
  const value = await Promise.race([promise, late.then(() => fallback)]);
  clearTimeout(timer);
  return value;
}

/** Each load process's share: whole rooms, at most 10,000 clients, the rate in proportion. */
function shares({ clients, roomSize, rate }) {
  const processes = Math.ceil(clients / clientsPerLoad);
  const rooms = clients / roomSize;
  return Array.from({ length: processes }, (_, k) => {
    const first = Math.floor((k * rooms) / processes) * roomSize;
    const end = Math.floor(((k + 1) * rooms) / processes) * roomSize;
    return {
      first,
      clients: end - first,
      rate: (rate * (end - first)) / clients,
      localAddress: `127.0.0.${k + 2}`,
    };
  });
}

async function startLoads(target, options, { once, track }) {
  const loads = shares(options).map((share) =>
    track(
      fork(path.join(__dirname, "load.js"), [], {
        env: {
          ...process.env,
          BENCH_LOAD: JSON.stringify({
            ...options,
            ...share,
            targets: [target],
            scale: true,
          }),
        },
      }),
    ),
  );
  await Promise.all(
    loads.map((load) => once(load, (message) => message.ready)),
  );
  return loads;
}

/** Every load process's answer to `command` (listened for before it is sent). */
function command(loads, name, predicate, once) {
  const answers = Promise.all(loads.map((load) => once(load, predicate)));
  loads.forEach((load) => load.send(name));
  return answers;
}

/** Every client connects and joins at once: the time from the first connect to the last join answered. */
async function joinStorm(loads, label, once) {
  const outcomes = (
    await command(loads, "join", (message) => message.joined, once)
  ).map((message) => message.joined);
  const errors = outcomes.flatMap((outcome) => outcome.errors);
  if (errors.length > 0)
    console.error(`${label}, scale: joins failed: ${errors.join(" | ")}`);
  const total = (key) =>
    outcomes.reduce((sum, outcome) => sum + outcome[key], 0);
  return {
    seconds:
      (Math.max(...outcomes.map((outcome) => outcome.joinedAt)) -
        Math.min(...outcomes.map((outcome) => outcome.firstConnectAt))) /
      1000,
    refused: total("refused"),
    unanswered: total("unanswered"),
  };
}

/** The rate mode's measure on every client of every load process: server CPU over the window, results merged. */
async function deliveryCost(loads, pid, { once, cpuMicros }) {
  const phase = (key) =>
    Promise.all(loads.map((load) => once(load, (message) => message[key])));
  const measured = phase("measured");
  const reported = phase("result");
  const measuring = command(loads, "go", (message) => message.measuring, once);
  await measuring;
  const cpuBefore = cpuMicros(pid);
  await measured;
  const serverCpu = cpuMicros(pid) - cpuBefore;
  const results = (await reported).map((message) => message.result);
  const total = (key) => results.reduce((sum, result) => sum + result[key], 0);
  const latencies = results
    .flatMap((result) => result.latencies)
    .sort((a, b) => a - b);
  return {
    serverCpu,
    deliveriesPerSecond: total("deliveriesPerSecond"),
    p99: latencies[Math.floor(latencies.length * 0.99)] ?? NaN,
    dropped: total("dropped"),
    lost: total("lost"),
    refused: total("refused"),
    refusals: results.flatMap((result) => result.refusals),
    loadCpuShare: Math.max(...results.map((result) => result.loadCpuShare)),
  };
}

/** What the server holds: its connections, the leaves its middleware counted, and Redis's members. */
async function serverState(child, redis, once) {
  const answer = once(child, (message) => "connections" in message);
  child.send({ count: true });
  return { ...(await answer), members: await redis.members() };
}

/** Every client drops in one turn of its load process: the ms until the server holds none and Redis no member. */
async function massDrop(loads, server, redis, once) {
  const start = now();
  loads.forEach((load) => load.send("drop"));
  for (;;) {
    const state = await serverState(server.child, redis, once);
    const ms = now() - start;
    if (state.connections === 0 && state.members === 0)
      return { ...state, ms: Math.round(ms) };
    if (ms > patienceMs)
      return {
        ...state,
        ms: `not in ${patienceMs / 1000} s: ${state.connections} connections, ${state.members} members left`,
      };
    await sleep(pollMs);
  }
}

/** Whether the node still chats: a new client joins room-0, says, and hears itself within 10 s. */
async function stillChats(target) {
  const client = await connect(0, target);
  const joined = await within(10_000, roomAdd(client, "room-0"), {
    error: "no answer in 10 s",
  });
  const heard = joined.error
    ? `no: roomAdd: ${joined.error}`
    : await within(
        10_000,
        new Promise((resolve) => {
          client.onMessage = (message) => {
            if (message.context === "response" && message.error)
              resolve(`no: say: ${message.error}`);
            else if (message.context === "user" && message.message === "hello")
              resolve("yes");
          };
          client.say("room-0", "hello");
        }),
        "no: not heard in 10 s",
      );
  client.close();
  return heard;
}

/** The node stops as a deploy would, with every client joined: the ms until its process exits, and the members left. */
async function stop(server, redis) {
  const exited = new Promise((resolve) => server.child.once("exit", resolve));
  const start = now();
  server.child.send("stop");
  const exit = await within(
    patienceMs,
    exited.then(() => now() - start),
  );
  if (exit === undefined) server.child.kill("SIGKILL");
  return {
    ms:
      exit === undefined
        ? `no exit in ${patienceMs / 1000} s`
        : Math.round(exit),
    members: await redis.members(),
  };
}

async function scale({ system, label, metrics }, options, redis, tools) {
  const { startServer, once, rss, cpuMicros } = tools;
  const { clients, roomSize } = options;
  const server = await startServer(
    system,
    redis.env,
    clients / roomSize,
    options.history,
    metrics,
    true,
  );
  const pid = server.child.pid;
  const loads = await startLoads(server.load, options, tools);
  const rssBefore = rss(pid);
  const cpuBefore = cpuMicros(pid);
  const storm = await joinStorm(loads, label, once);
  // Where the storm's time goes: the server's CPU time for each connect and join.
  const stormCpu = cpuMicros(pid) - cpuBefore;
  await sleep(settleMs);
  const rssPerConnection = (rss(pid) - rssBefore) / clients / 1024;
  const cost = await deliveryCost(loads, pid, tools);
  if (cost.refused > 0)
    console.error(
      `${label}, scale: says refused: ${cost.refusals.slice(0, 3).join(" | ")}`,
    );
  const drop = await massDrop(loads, server, redis, once);
  const chats = await stillChats(server.load);
  const again = await joinStorm(loads, label, once);
  if (again.refused + again.unanswered > 0)
    console.error(
      `${label}, scale: joining again before the stop: ${again.refused} refused, ${again.unanswered} unanswered`,
    );
  const stopped = await stop(server, redis);
  loads.forEach((load) => load.kill());
  const deliveries = cost.deliveriesPerSecond * options.duration;
  return {
    system: label,
    mode: `scale, ${options.rate} msg/s (${loads.length} load processes)`,
    "join storm s": storm.seconds.toFixed(2),
    "joins refused": storm.refused,
    "joins unanswered": storm.unanswered,
    "server µs/join": Math.round(stormCpu / clients),
    "RSS KB/connection": rssPerConnection.toFixed(1),
    "deliveries/s": Math.round(cost.deliveriesPerSecond),
    "p99 ms": cost.p99.toFixed(1),
    "server µs/delivery": (cost.serverCpu / deliveries).toFixed(1),
    dropped: cost.dropped,
    lost: cost.lost,
    "mass drop ms": drop.ms,
    leaves: drop.leaves,
    "chats after": chats,
    "stop ms": stopped.ms,
    "members after stop": stopped.members,
    limit: cost.loadCpuShare > 0.9 ? "load generator" : "",
  };
}

module.exports = { scale };
