const path = require("path");

exports.DEFAULT = {
  plugins: () => ({
    "ah-chat-plugin": { path: path.join(__dirname, "..", "..", "..") },
  }),
};
