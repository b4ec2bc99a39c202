// Senders of the saturated runs go past the default 100 says a second per connection.
exports.DEFAULT = { chat: () => ({ maxSaysPerSecond: 0 }) };
