// The load generator, in a process of its own: `clients` connections in rooms of `roomSize`, client
// i on node i % (number of `targets`), so that a room spans the nodes. The first of each room says,
// at a fixed total `rate` or (rate 0) saturated: each sender keeps `window` messages on their way
// and says the next when one of its own comes back. Every member measures each message's latency
// from the time written into it, and each say answered OK is checked off against its deliveries: one
// that did not reach every member of its room is lost. Talks to the parent over IPC, and ends itself
// once it has reported (so that `--cpu-prof` profiles it too).
//
// In the scale mode (`scale`: bench/scale.js) it is one of several, holding clients `first` … `first +
// clients - 1` (whole rooms) from its own `localAddress`, and keeps them between the parent's
// commands: "join" (connect and join them all), "go" (the load above), "drop" (destroy every socket
// in one turn); the parent ends it.
const net = require("net");
const WebSocket = require("ws");
const { performance } = require("perf_hooks");

const now = () => performance.timeOrigin + performance.now();

/**
 * One connection to `target`: websocket (the plugin through Primus, or the baseline) or TCP (the
 * socket server), from `localAddress` if given (a loopback source address has ~28,000 ephemeral ports).
 */
function connect(index, target, localAddress) {
  return new Promise((resolve, reject) => {
    // Each request's messageId: the socket server numbers a connection's requests from 1 itself.
    const client = {
      index,
      requests: 0,
      lastHeard: -1,
      onMessage: () => undefined,
    };
    const receive = (text) => {
      let message;
      try {
        message = JSON.parse(text);
      } catch {
        return;
      }
      if (typeof message === "object" && message !== null)
        client.onMessage(message);
      // Primus ends a connection that leaves two of its heartbeats (every 30 s) unanswered.
      else if (
        typeof message === "string" &&
        message.startsWith("primus::ping::")
      )
        client.answer(message.replace("primus::ping::", "primus::pong::"));
    };
    if (target.transport === "tcp") {
      const socket = net.connect(
        { port: target.port, host: "127.0.0.1", localAddress },
        () => resolve(client),
      );
      socket.setNoDelay(true);
      let buffer = "";
      socket.setEncoding("utf8");
      socket.on("data", (chunk) => {
        buffer += chunk;
        let end;
        while ((end = buffer.indexOf("\n")) >= 0) {
          receive(buffer.slice(0, end));
          buffer = buffer.slice(end + 1);
        }
      });
      socket.on("error", reject);
      client.roomAdd = (room) => {
        client.requests++;
        socket.write(`roomAdd ${room}\n`);
      };
      client.say = (room, text) => {
        socket.write(`say ${room} ${text}\n`);
        return ++client.requests;
      };
      client.close = () => socket.destroy();
    } else {
      const socket = new WebSocket(target.url, { localAddress });
      socket.on("open", () => resolve(client));
      socket.on("message", (data) => receive(String(data)));
      socket.on("error", reject);
      client.roomAdd = (room) =>
        socket.send(JSON.stringify({ event: "roomAdd", room }));
      client.say = (room, text) => {
        const messageId = ++client.requests;
        socket.send(
          JSON.stringify({ event: "say", room, message: text, messageId }),
        );
        return messageId;
      };
      client.answer = (pong) => socket.send(JSON.stringify(pong));
      client.close = () => socket.terminate();
    }
  });
}

const roomOf = (index, roomSize) => `room-${Math.floor(index / roomSize)}`;

/** The server's answer to a client's roomAdd: the first response it gets. */
function roomAdd(client, room) {
  return new Promise((resolve) => {
    client.onMessage = (message) =>
      message.context === "response" && resolve(message);
    client.roomAdd(room);
  });
}

/**
 * Connects clients `first` … `first + count - 1`, each joining its room once connected, with at most
 * 100 connecting at a time (more would overflow the server's listen backlog and time the kernel's
 * SYN retries instead). Gives up once nothing has been heard for 10 s: a client still waiting then,
 * or whose connection failed, is unanswered.
 */
async function joinAll({
  first = 0,
  clients: count,
  roomSize,
  targets,
  localAddress,
}) {
  const outcome = {
    clients: [],
    firstConnectAt: now(),
    joinedAt: NaN,
    refused: 0,
    unanswered: 0,
    errors: new Set(),
  };
  let gaveUp = false;
  let giveUp;
  const quiet = new Promise((resolve) => (giveUp = resolve));
  const timer = setTimeout(() => {
    gaveUp = true;
    giveUp();
  }, 10_000);
  const join = async (client) => {
    const answer = await Promise.race([
      roomAdd(client, roomOf(client.index, roomSize)),
      quiet,
    ]);
    timer.refresh();
    if (answer === undefined) outcome.unanswered++;
    else if (answer.error) {
      outcome.refused++;
      outcome.errors.add(String(answer.error));
    } else outcome.joinedAt = now();
  };
  const connectOne = (index) =>
    connect(index, targets[index % targets.length], localAddress).catch(
      (error) => {
        outcome.errors.add(String(error));
      },
    );
  const joins = [];
  let next = first;
  const connector = async () => {
    for (let index = next++; index < first + count; index = next++) {
      const client = gaveUp
        ? undefined
        : await Promise.race([connectOne(index), quiet]);
      if (client === undefined) {
        outcome.unanswered++;
        continue;
      }
      timer.refresh();
      outcome.clients.push(client);
      joins.push(join(client));
    }
  };
  await Promise.all(Array.from({ length: 100 }, connector));
  await Promise.all(joins);
  clearTimeout(timer);
  return outcome;
}

/** The rate or saturated load on joined clients, over the warm-up and the measured window: its result. */
async function applyLoad(clients, options) {
  const { roomSize, rate, window, warmup, duration } = options;
  const senders = clients.filter((client) => client.index % roomSize === 0);
  let phase = "warmup";
  // Nothing counts until the measured window opens.
  let windowStart = Infinity;
  let windowEnd = Infinity;
  const latencies = [];
  let delivered = 0;
  let deliveredOfWindow = 0;
  // Messages are numbered in the order said (the number is in the text, after the sender), so the
  // says of the measured window are a range of numbers, and per-message counts are typed arrays
  // rather than objects a long run would make the load generator's garbage collector walk.
  let sequence = 0;
  let firstOfWindow = Infinity;
  let lastOfWindow = -1;
  const inWindow = (seq) => seq >= firstOfWindow && seq <= lastOfWindow;
  /** Per sender, the say each messageId awaits an answer for: its number. */
  const unanswered = new Map(clients.map((client) => [client, new Map()]));
  /** Per message said, by number: the members it has reached so far, and whether it was answered OK. */
  let reached = new Uint32Array(1 << 16);
  let answeredOk = new Uint8Array(1 << 16);
  let refusedInWindow = 0;
  const say = (sender) => {
    // The time as the message carries it, so that it is counted in the window it is received for.
    const sentAt = now().toFixed(3);
    const seq = sequence++;
    if (Number(sentAt) >= windowStart && Number(sentAt) < windowEnd) {
      firstOfWindow = Math.min(firstOfWindow, seq);
      lastOfWindow = seq;
    }
    if (seq >= reached.length) {
      const grown = new Uint32Array(reached.length * 2);
      grown.set(reached);
      reached = grown;
      const answered = new Uint8Array(answeredOk.length * 2);
      answered.set(answeredOk);
      answeredOk = answered;
    }
    const messageId = sender.say(
      roomOf(sender.index, roomSize),
      `${sender.index}:${seq}:${sentAt}`,
    );
    unanswered.get(sender).set(messageId, seq);
  };
  let refused = 0;
  const refusals = new Set();
  for (const client of clients) {
    client.onMessage = (message) => {
      if (message.context === "response") {
        const seq = unanswered.get(client).get(message.messageId);
        if (seq === undefined) return;
        unanswered.get(client).delete(message.messageId);
        if (message.error) {
          refused++;
          if (inWindow(seq)) refusedInWindow++;
          refusals.add(String(message.error));
        } else answeredOk[seq] = 1;
        return;
      }
      if (message.context !== "user" || typeof message.message !== "string")
        return;
      const [from, seqText, sentAtText] = message.message.split(":");
      // A room's messages come from one sender, in order: a number not past the last one this member
      // heard is a repeat, which must not stand in for a delivery that never came.
      const seq = Number(seqText);
      if (seq <= client.lastHeard) return;
      client.lastHeard = seq;
      reached[seq]++;
      const sentAt = Number(sentAtText);
      const receivedAt = now();
      if (receivedAt >= windowStart && receivedAt < windowEnd) delivered++;
      if (sentAt >= windowStart && sentAt < windowEnd) {
        deliveredOfWindow++;
        latencies.push(receivedAt - sentAt);
      }
      if (rate === 0 && Number(from) === client.index && phase !== "done")
        say(client);
    };
  }

  let timer;
  const began = now();
  if (rate === 0) {
    for (const sender of senders) for (let n = 0; n < window; n++) say(sender);
  } else {
    let said = 0;
    timer = setInterval(() => {
      const due = Math.floor(((now() - began) / 1000) * rate);
      for (; said < due; said++) say(senders[said % senders.length]);
    }, 2);
  }
  await new Promise((resolve) => setTimeout(resolve, warmup * 1000));
  windowStart = now();
  windowEnd = windowStart + duration * 1000;
  const cpuBefore = process.cpuUsage();
  process.send({ measuring: true });
  await new Promise((resolve) => setTimeout(resolve, duration * 1000));
  const cpu = process.cpuUsage(cpuBefore);
  phase = "done";
  clearInterval(timer);
  process.send({ measured: true });
  // What was said and is still on its way (in the senders' sockets, when the server was behind)
  // arrives until every say is answered and every one answered OK has reached its whole room, or
  // for at most a minute.
  const settled = () => {
    for (const waiting of unanswered.values())
      if (waiting.size > 0) return false;
    for (let seq = 0; seq < sequence; seq++)
      if (answeredOk[seq] === 1 && reached[seq] < roomSize) return false;
    return true;
  };
  const settleBy = now() + 60_000;
  while (!settled() && now() < settleBy)
    await new Promise((resolve) => setTimeout(resolve, 100));
  latencies.sort((a, b) => a - b);
  const saidInWindow = Math.max(0, lastOfWindow - firstOfWindow + 1);
  let lost = 0;
  for (let seq = 0; seq < sequence; seq++)
    if (answeredOk[seq] === 1 && reached[seq] < roomSize) lost++;
  const at = (q) =>
    latencies[
      Math.min(latencies.length - 1, Math.floor(latencies.length * q))
    ] ?? NaN;
  return {
    deliveriesPerSecond: delivered / duration,
    p50: at(0.5),
    p99: at(0.99),
    max: latencies[latencies.length - 1] ?? NaN,
    saidPerSecond: saidInWindow / duration,
    // A refused say is not expected anywhere.
    dropped: (saidInWindow - refusedInWindow) * roomSize - deliveredOfWindow,
    lost,
    refused,
    refusals: [...refusals].slice(0, 3),
    loadCpuShare: (cpu.user + cpu.system) / 1000 / (duration * 1000),
    // The scale mode's parent merges the load processes' latencies.
    ...(options.scale ? { latencies } : {}),
  };
}

/** Scale mode: the clients stay between the parent's commands, until the parent ends this process. */
function obeyCommands(options) {
  let clients = [];
  const commands = {
    join: async () => {
      const { clients: joined, errors, ...outcome } = await joinAll(options);
      clients = joined;
      process.send({ joined: { ...outcome, errors: [...errors].slice(0, 3) } });
    },
    go: async () => process.send({ result: await applyLoad(clients, options) }),
    // In one turn: the server sees all of this process's connections close at once.
    drop: async () => clients.forEach((client) => client.close()),
  };
  process.on("message", (command) =>
    commands[command]().catch((error) =>
      process.send({ error: String(error && error.stack) }),
    ),
  );
  process.send({ ready: true });
}

async function main() {
  const options = JSON.parse(process.env.BENCH_LOAD);
  if (options.scale) return obeyCommands(options);
  const { clients, refused, unanswered, errors } = await joinAll(options);
  if (refused + unanswered > 0)
    throw new Error(
      `joins: ${refused} refused, ${unanswered} unanswered: ${[...errors].slice(0, 3).join(" | ")}`,
    );
  process.send({ ready: true });
  await new Promise((resolve) => process.once("message", resolve));
  const result = await applyLoad(clients, options);
  process.send({ result }, () => process.exit(0));
  for (const client of clients) client.close();
}

if (require.main === module)
  main().catch((error) => {
    process.send({ error: String(error && error.stack) });
  });

module.exports = { connect, roomAdd };
