import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const publicFolder = path.join(
  __dirname,
  "..",
  "..",
  "..",
  "example",
  "public",
);
const pidFolder = path.join(os.tmpdir(), "ah-chat-plugin-demo");
fs.mkdirSync(pidFolder, { recursive: true });

export const DEFAULT = {
  general: () => ({
    serverName: "ah-chat-plugin demo",
    welcomeMessage: "Welcome to the ah-chat-plugin demo",
    serverToken: process.env.SERVER_TOKEN ?? "ah-chat-plugin-demo",
    startingChatRooms: { lobby: {}, "private:staff": {} },
    // The log-in actions' password and token never reach the log.
    filteredParams: ["password", "token"],
    paths: {
      action: [path.join(__dirname, "..", "actions")],
      initializer: [path.join(__dirname, "..", "initializers")],
      public: [publicFolder],
      pid: [pidFolder],
      log: [],
    },
  }),
};
