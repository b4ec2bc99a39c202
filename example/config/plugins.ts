import * as path from "path";

// In your application: { "ah-chat-plugin": { path: path.join(__dirname, "..", "..", "node_modules", "ah-chat-plugin") } }
export const DEFAULT = {
  plugins: () => ({
    "ah-chat-plugin": { path: path.join(__dirname, "..", "..", "..") },
  }),
};
