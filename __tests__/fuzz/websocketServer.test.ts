import {
  fuzzSeed,
  fuzzedJsonRequest,
  Random,
  randomText,
} from "../helpers/fuzz";
import { FuzzTarget } from "../helpers/fuzzTarget";
import { RawWebsocket } from "../helpers/rawWebsocket";

// FUZZ_SEED repeats a run; FUZZ_WEBSOCKET_FRAMES sets its size.
const totalFrames = Number(process.env.FUZZ_WEBSOCKET_FRAMES ?? 50_000);
const churnedConnections = 1000;
const seed = fuzzSeed();

describe(`actionhero's websocket server under fuzzed input (seed ${seed})`, () => {
  let target: FuzzTarget;

  beforeAll(async () => {
    target = await FuzzTarget.start("fuzz-websocket");
  }, 30_000);
  afterAll(() => target?.stop());

  async function fuzz(random: Random) {
    const url = target.node.url;
    let sent = 0;
    let connections = 0;
    let batches = 0;
    const worker = async () => {
      while (sent < totalFrames) {
        const socket = await RawWebsocket.connect(url);
        connections++;
        let open = true;
        socket.ended.then(() => (open = false));
        while (open && sent < totalFrames) {
          for (let n = 0; n < 100 && sent < totalFrames; n++, sent++)
            socket.writeText(
              random.chance(0.1)
                ? randomText(random, random.below(300)) // not JSON at all
                : fuzzedJsonRequest(random),
            );
          // Flow control: once this is answered, the server has read the batch (or closed the connection).
          const sync = `sync ${++batches}`;
          socket.writeText(
            JSON.stringify({ event: "detailsView", messageId: sync }),
          );
          await Promise.race([
            socket.waitFor((message) => message.messageId === sync, sync),
            socket.ended,
          ]);
        }
        socket.end();
      }
    };
    const churn = async () => {
      for (let n = 0; n < churnedConnections; n++) {
        const socket = await RawWebsocket.connect(url);
        connections++;
        if (n % 2) socket.writeText(randomText(random, 50));
        socket.end();
      }
    };
    await Promise.all([worker(), worker(), worker(), worker(), churn()]);
    return { sent, connections };
  }

  test(`${totalFrames} fuzzed frames and ${churnedConnections} dropped connections: the node stays up, a pair chatting loses nothing, and the heap comes back`, async () => {
    await target.survives("fuzz-websocket", seed, () => fuzz(new Random(seed)));
  }, 120_000);
});
