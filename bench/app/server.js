// The benchmark's actionhero node: the plugin on a real Redis (REDIS_PORT), nothing else. Over IPC
// it answers "stop", and {count: true} with how many connections it holds and, with
// BENCH_COUNT_LEAVES (the scale mode), how many times chat's leave middleware has run.
const { Process, api } = require("actionhero");
const { answerProfileRequests } = require("../profile");

const node = new Process();
let leaves = 0;
node.start().then(() => {
  if (process.env.BENCH_COUNT_LEAVES)
    api.chatRoom.addMiddleware({
      name: "bench: count leaves",
      leave: () => {
        leaves++;
      },
    });
  process.send?.({ ready: true });
});
process.on("message", async (message) => {
  if (message === "stop") {
    await node.stop();
    process.exit(0);
  } else if (message?.count)
    process.send({
      connections: Object.keys(api.connections.connections).length,
      leaves,
    });
});
answerProfileRequests();
