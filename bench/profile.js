// `--profile DIR`: a CPU profile of each server process over the measured window alone (not its
// start, its clients joining or its stop), written to DIR and summarized after the table.
const fs = require("fs");
const inspector = require("inspector");

/** In a server process: starts and stops its profiler when the bench says so. */
function answerProfileRequests() {
  let session;
  process.on("message", (message) => {
    if (message?.profile === "start") {
      session = new inspector.Session();
      session.connect();
      session.post("Profiler.enable", () => session.post("Profiler.start"));
    } else if (message?.profile === "stop") {
      session.post("Profiler.stop", (error, result) => {
        if (!error)
          fs.writeFileSync(message.path, JSON.stringify(result.profile));
        session.disconnect();
        process.send({ profiled: message.path, error: error && String(error) });
      });
    }
  });
}

/** The functions that took the most CPU time in a profile by themselves, as `share% name file:line`. */
function topSelfTime(file, count = 15) {
  const profile = JSON.parse(fs.readFileSync(file, "utf8"));
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const byFunction = new Map();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const { functionName, url, lineNumber } = nodes.get(id).callFrame;
    const name = `${functionName || "(anonymous)"} ${url.split("/").slice(-2).join("/")}${url ? `:${lineNumber + 1}` : ""}`;
    const micros = profile.timeDeltas[i] ?? 0;
    byFunction.set(name, (byFunction.get(name) ?? 0) + micros);
    total += micros;
  });
  return [...byFunction]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(
      ([name, micros]) =>
        `${((100 * micros) / total).toFixed(1).padStart(5)}%  ${name}`,
    );
}

module.exports = { answerProfileRequests, topSelfTime };
