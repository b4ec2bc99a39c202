import type * as net from "net";
import { fuzzSeed, fuzzedLine, Random, randomText } from "../helpers/fuzz";
import { FuzzTarget, rawSocket } from "../helpers/fuzzTarget";

// FUZZ_SEED repeats a run; FUZZ_SOCKET_LINES sets its size.
const totalLines = Number(process.env.FUZZ_SOCKET_LINES ?? 100_000);
const churnedConnections = 2000;
const seed = fuzzSeed();

describe(`the socket server under fuzzed input (seed ${seed})`, () => {
  let target: FuzzTarget;

  beforeAll(async () => {
    target = await FuzzTarget.start("fuzz-socket");
  }, 30_000);
  afterAll(() => target?.stop());

  /** Writes, waiting while the socket's buffer is full; false once the server has closed it. */
  async function send(socket: net.Socket, text: string) {
    if (socket.destroyed) return false;
    if (!socket.write(text))
      await new Promise((resolve) => {
        socket.once("drain", resolve);
        socket.once("close", resolve);
      });
    return !socket.destroyed;
  }

  async function fuzz(random: Random) {
    const port = target.node.socketPort;
    let sent = 0;
    let connections = 0;
    /** What each worker last sent, to say where a run that hangs is stuck. */
    const lastSent: string[] = [];
    const worker = async (number: number) => {
      while (sent < totalLines) {
        const socket = await rawSocket(port);
        connections++;
        while (sent < totalLines) {
          const lines: string[] = [];
          for (let n = 0; n < 100 && sent < totalLines; n++, sent++)
            lines.push(
              random.chance(0.002)
                ? randomText(random, 70_000) // longer than maxDataLength
                : fuzzedLine(random),
            );
          lastSent[number] = lines.join("\n");
          if (!(await send(socket, lines.join("\n") + "\n"))) break;
          if (random.chance(0.01)) {
            // Half a line, then gone.
            await send(socket, `say lobby ${randomText(random, 30)}`);
            break;
          }
        }
        socket.destroy();
      }
    };
    const churn = async () => {
      for (let n = 0; n < churnedConnections; n++) {
        const socket = await rawSocket(port);
        connections++;
        if (n % 2) socket.write(randomText(random, 50));
        socket.destroy();
      }
    };
    let watchdog: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all([0, 1, 2, 3].map(worker).concat(churn())),
      new Promise((_, reject) => {
        watchdog = setTimeout(
          () =>
            reject(
              new Error(
                `the fuzz hung after ${sent} lines; the workers last sent:\n${lastSent.join("\n---\n").slice(-20_000)}`,
              ),
            ),
          90_000,
        );
      }),
    ]);
    clearTimeout(watchdog);
    return { sent, connections };
  }

  test(`${totalLines} fuzzed lines and ${churnedConnections} dropped connections: the node stays up, a pair chatting loses nothing, the heap comes back, and the log stays short`, async () => {
    const printed = await target.survives("fuzz-socket", seed, () =>
      fuzz(new Random(seed)),
    );
    // Unknown actions are answered by the socket server, never logged by actionhero as errors.
    expect(printed).not.toContain("unknown action or invalid apiVersion");
  }, 120_000);
});
