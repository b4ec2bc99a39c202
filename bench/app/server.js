// The benchmark's actionhero node: the plugin on a real Redis (REDIS_PORT), nothing else.
const { Process } = require("actionhero");
const { answerProfileRequests } = require("../profile");

const node = new Process();
node.start().then(() => process.send?.({ ready: true }));
process.on("message", async (message) => {
  if (message === "stop") {
    await node.stop();
    process.exit(0);
  }
});
answerProfileRequests();
