const os = require("os");
const path = require("path");
const fs = require("fs");

const scratch = path.join(os.tmpdir(), "ah-chat-plugin-bench");
for (const folder of ["public", "pids"])
  fs.mkdirSync(path.join(scratch, folder), { recursive: true });

exports.DEFAULT = {
  general: () => ({
    serverToken: "ah-chat-plugin-bench",
    startingChatRooms: {},
    paths: {
      action: [path.join(__dirname, "..", "actions")],
      initializer: [],
      public: [path.join(scratch, "public")],
      pid: [path.join(scratch, "pids")],
      log: [],
    },
  }),
  logger: () => ({ loggers: [], maxLogStringLength: 100 }),
};
