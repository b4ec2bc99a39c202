// `npm run bench`: the plugin (over the websocket and the socket server, on one node or several
// sharing the Redis) and a bare `ws` baseline, driven by the same load generator, at a fixed rate
// and saturated. Prints one table; server CPU and RSS are the sum over the nodes.
//
//   npm run bench -- --clients 2000 --room-size 10 --rate 2000 --duration 10 --warmup 3
//                    --systems baseline,websocket,tcp --modes rate,saturated --window 4 --history 0 --nodes 1
//                    (--modes scale: one node holding all --clients, see scale.js)
//                    --redis server (or cluster: a Redis Cluster of 3 masters; memory: ioredis-mock in the node)
//                    --format table (or json) --profile DIR (CPU profiles of the servers over the measured window)
//                    --metrics on (or off: chat counts nothing; both: each chat system with metrics on, then off)
const { fork, execFileSync } = require("child_process");
const fs = require("fs");
const net = require("net");
const path = require("path");
const { startRedis } = require("./redis");
const { topSelfTime } = require("./profile");
const { scale } = require("./scale");

function parseOptions(argv) {
  const options = {
    clients: 2000,
    roomSize: 10,
    rate: 2000,
    duration: 10,
    warmup: 3,
    window: 4,
    history: 0,
    nodes: 1,
    redis: "server",
    format: "table",
    profile: "",
    systems: "baseline,websocket,tcp",
    modes: "rate,saturated",
    metrics: "on",
  };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i]
      .replace(/^--/, "")
      .replace(/-(\w)/g, (_, c) => c.toUpperCase());
    if (!(key in options)) throw new Error(`unknown option ${argv[i]}`);
    options[key] =
      typeof options[key] === "number" ? Number(argv[i + 1]) : argv[i + 1];
  }
  if (options.redis === "memory" && options.nodes > 1)
    throw new Error(
      "--redis memory is within one node: it cannot be shared by --nodes",
    );
  if (options.clients % options.roomSize !== 0)
    throw new Error(
      `--clients (${options.clients}) must be a multiple of --room-size (${options.roomSize}): every room is full`,
    );
  if (!["on", "off", "both"].includes(options.metrics))
    throw new Error(`--metrics is on, off or both, not ${options.metrics}`);
  if (!["table", "json"].includes(options.format))
    throw new Error(`--format is table or json, not ${options.format}`);
  if (options.modes.split(",").includes("scale")) {
    if (options.systems.split(",").includes("baseline"))
      throw new Error(
        "--modes scale measures the plugin's node: leave baseline out of --systems",
      );
    if (options.nodes > 1 || options.redis === "memory")
      throw new Error(
        "--modes scale is one node, and counts the members in a Redis of its own: --nodes 1, --redis server or cluster",
      );
  }
  return options;
}

/**
 * Fails early when a process could not hold every client's socket (the server of the scale mode, or
 * the one load generator of the others), plus about 200 files of its own: forked, they inherit the
 * limit of this process.
 */
function checkOpenFiles({ clients, roomSize }) {
  const [, soft, hard] = /Max open files\s+(\S+)\s+(\S+)/.exec(
    fs.readFileSync("/proc/self/limits", "utf8"),
  );
  const need = clients + 200;
  if (Number(soft) < need)
    throw new Error(
      `--clients ${clients} needs about ${need} open files in one process, but the limit is ${soft} ("Max open files", hard limit ${hard}). ` +
        `Raise it before running the bench: \`ulimit -n ${need}\` in this shell (above the hard limit only as root or with CAP_SYS_RESOURCE, e.g. in /etc/security/limits.conf), ` +
        `or LimitNOFILE=${need} in a systemd unit; or run at most --clients ${Math.floor((Number(soft) - 200) / roomSize) * roomSize}.`,
    );
}

/** Ports handed out so far: the system may offer a port again as soon as it is closed. */
const handedOut = new Set();

async function freePort() {
  for (;;) {
    const port = await new Promise((resolve) => {
      const server = net.createServer().listen(0, "127.0.0.1", () => {
        const { port } = server.address();
        server.close(() => resolve(port));
      });
    });
    if (handedOut.has(port)) continue;
    handedOut.add(port);
    return port;
  }
}

/** Every process the bench starts: none outlives it, whatever happens. */
const children = new Set();
process.on("exit", () => children.forEach((child) => child.kill("SIGKILL")));
const track = (child) => {
  children.add(child);
  child.once("exit", () => children.delete(child));
  return child;
};

const ticksPerSecond = Number(
  execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }),
);

/** CPU time of a process so far, in µs (Linux /proc). */
function cpuMicros(pid) {
  const fields = fs
    .readFileSync(`/proc/${pid}/stat`, "utf8")
    .split(") ")[1]
    .split(" ");
  return ((Number(fields[11]) + Number(fields[12])) / ticksPerSecond) * 1e6;
}

/** Write system calls a process has made so far (write, writev: Linux /proc). */
function writeCalls(pid) {
  const match = /syscw:\s+(\d+)/.exec(
    fs.readFileSync(`/proc/${pid}/io`, "utf8"),
  );
  return match ? Number(match[1]) : 0;
}

/** Resident set of a process, in bytes. */
function rss(pid) {
  const match = /VmRSS:\s+(\d+) kB/.exec(
    fs.readFileSync(`/proc/${pid}/status`, "utf8"),
  );
  return match ? Number(match[1]) * 1024 : 0;
}

/** The first message of `child` that `predicate` accepts; its listeners go once it is settled. */
const once = (child, predicate) =>
  new Promise((resolve, reject) => {
    const settle = (finish, value) => {
      child.off("message", listener);
      child.off("exit", exited);
      finish(value);
    };
    const listener = (message) => {
      if (message && message.error) settle(reject, new Error(message.error));
      else if (predicate(message)) settle(resolve, message);
    };
    const exited = (code) =>
      settle(reject, new Error(`a bench process exited (${code})`));
    child.on("message", listener);
    child.on("exit", exited);
  });

async function startServer(
  system,
  redisEnv,
  rooms,
  history,
  metrics,
  countLeaves = false,
) {
  const port = await freePort();
  const socketPort = await freePort();
  const child = track(
    system === "baseline"
      ? fork(path.join(__dirname, "baseline.js"), [], {
          env: { ...process.env, PORT: String(port) },
        })
      : fork(path.join(__dirname, "app", "server.js"), [], {
          cwd: path.join(__dirname, "app"),
          env: {
            ...process.env,
            NODE_ENV: "bench",
            PORT: String(port),
            SOCKET_PORT: String(socketPort),
            REDIS_HOST: "127.0.0.1",
            ...redisEnv,
            ACTIONHERO_CONFIG: path.join(__dirname, "app", "config"),
            BENCH_HISTORY_SIZE: String(history),
            BENCH_METRICS: metrics,
            ...(countLeaves ? { BENCH_COUNT_LEAVES: "true" } : {}),
          },
        }),
  );
  await once(child, (message) => message.ready);
  if (system !== "baseline") {
    const response = await fetch(
      `http://127.0.0.1:${port}/api/createRooms?count=${rooms}`,
    );
    if (!response.ok)
      throw new Error(`creating the rooms failed: ${await response.text()}`);
  }
  const load =
    system === "tcp"
      ? { transport: "tcp", port: socketPort }
      : {
          transport: "ws",
          url: `ws://127.0.0.1:${port}${system === "baseline" ? "" : "/primus"}`,
        };
  return { child, load };
}

async function run(system, mode, options, redis, metrics) {
  const rooms = Math.ceil(options.clients / options.roomSize);
  const count = system === "baseline" ? 1 : options.nodes;
  const servers = [];
  for (let n = 0; n < count; n++)
    servers.push(
      await startServer(system, redis.env, rooms, options.history, metrics),
    );
  const pids = servers.map((server) => server.child.pid);
  const sum = (measure, of = pids) =>
    of.reduce((total, pid) => total + measure(pid), 0);
  const load = track(
    fork(path.join(__dirname, "load.js"), [], {
      env: {
        ...process.env,
        BENCH_LOAD: JSON.stringify({
          ...options,
          targets: servers.map((server) => server.load),
          rate: mode === "saturated" ? 0 : options.rate,
        }),
      },
    }),
  );
  await once(load, (message) => message.ready);
  const idle = sum(rss);
  let peak = idle;
  const sampler = setInterval(() => (peak = Math.max(peak, sum(rss))), 100);
  load.send("go");
  await once(load, (message) => message.measuring);
  if (options.profile)
    servers.forEach((server) => server.child.send({ profile: "start" }));
  const cpuBefore = sum(cpuMicros);
  const writesBefore = sum(writeCalls);
  const redisCpuBefore = sum(cpuMicros, redis.pids);
  const outputBuffers = redis.sampleOutputBuffers();
  await once(load, (message) => message.measured);
  // Listened for now: the load generator may report and exit while the profiles are written.
  const exited = new Promise((resolve) => load.once("exit", resolve));
  const reported = once(load, (message) => message.result);
  const serverCpu = sum(cpuMicros) - cpuBefore;
  const serverWrites = sum(writeCalls) - writesBefore;
  const redisCpu = sum(cpuMicros, redis.pids) - redisCpuBefore;
  const profiles = options.profile
    ? await Promise.all(
        servers.map((server, n) => {
          const file = path.resolve(
            options.profile,
            `${system}-${mode}-${n}.cpuprofile`,
          );
          server.child.send({ profile: "stop", path: file });
          return once(server.child, (message) => message.profiled === file);
        }),
      ).then((answers) => answers.map((answer) => answer.profiled))
    : [];
  const { result } = await reported;
  const outputBufferPeak = outputBuffers.stop();
  if (result.refused > 0)
    console.error(
      `${system}, ${mode}: says refused: ${result.refusals.join(" | ")}`,
    );
  clearInterval(sampler);
  await exited;
  for (const server of servers) {
    server.child.send("stop");
    await new Promise((resolve) => server.child.once("exit", resolve));
  }
  const deliveries = result.deliveriesPerSecond * options.duration;
  for (const file of profiles)
    console.error(
      `${system}, ${mode}: top self time over the measured window (${file})\n${topSelfTime(file).join("\n")}`,
    );
  return {
    system: systemLabel(system, count, metrics),
    mode:
      mode === "saturated"
        ? `saturated (window ${options.window})`
        : `${options.rate} msg/s`,
    "deliveries/s": Math.round(result.deliveriesPerSecond),
    "p50 ms": result.p50.toFixed(1),
    "p99 ms": result.p99.toFixed(1),
    "max ms": result.max.toFixed(1),
    "server µs/delivery": (serverCpu / deliveries).toFixed(1),
    "writes/delivery": (serverWrites / deliveries).toFixed(2),
    "redis µs/msg":
      system === "baseline" || redis.pids.length === 0
        ? ""
        : (redisCpu / (result.saidPerSecond * options.duration)).toFixed(1),
    "RSS MB idle→peak": `${(idle / 2 ** 20).toFixed(0)}→${(peak / 2 ** 20).toFixed(0)}`,
    "redis out KB":
      outputBufferPeak === undefined
        ? ""
        : (outputBufferPeak / 1024).toFixed(0),
    "said/s": Math.round(result.saidPerSecond),
    dropped: result.dropped,
    lost: result.lost,
    refused: result.refused,
    limit: result.loadCpuShare > 0.9 ? "load generator" : "",
  };
}

/** A system as a row names it: with its number of nodes and its metrics, where they are not the default. */
const systemLabel = (system, nodes, metrics) =>
  [
    system,
    nodes > 1 ? `(${nodes} nodes)` : "",
    system !== "baseline" && metrics === "off" ? "(metrics off)" : "",
  ]
    .filter(Boolean)
    .join(" ");

/** The metrics settings a system runs with: the baseline has none. */
function metricsSettings(system, metrics) {
  if (system === "baseline") return ["on"];
  return metrics === "both" ? ["on", "off"] : [metrics];
}

async function main() {
  const options = parseOptions(process.argv.slice(2));
  checkOpenFiles(options);
  if (options.profile) fs.mkdirSync(options.profile, { recursive: true });
  const redis = await startRedis(options.redis, freePort, track);
  const rows = [];
  // Apart, for a table of their own: they have other columns.
  const scaleRows = [];
  const tools = { startServer, once, track, cpuMicros, rss };
  try {
    for (const mode of options.modes.split(","))
      for (const system of options.systems.split(","))
        for (const metrics of metricsSettings(system, options.metrics)) {
          redis.flush();
          if (mode === "scale")
            scaleRows.push(
              await scale(
                { system, label: systemLabel(system, 1, metrics), metrics },
                options,
                redis,
                tools,
              ),
            );
          else rows.push(await run(system, mode, options, redis, metrics));
          console.error(`done: ${system}, ${mode}, metrics ${metrics}`);
        }
  } finally {
    redis.stop();
  }
  const setting = `${options.clients} clients in rooms of ${options.roomSize}, ${options.warmup} s warm-up, ${options.duration} s measured, history ${options.history || "off"}, chat on ${redis.description}`;
  if (options.format === "json")
    console.log(JSON.stringify({ setting, rows: [...rows, ...scaleRows] }));
  else {
    console.log(setting);
    for (const table of [rows, scaleRows])
      if (table.length > 0) console.table(table);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
