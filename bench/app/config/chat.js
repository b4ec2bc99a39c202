// Senders of the saturated runs go past the default 100 says a second per connection;
// BENCH_HISTORY_SIZE (`--history`) keeps each room's last messages.
exports.DEFAULT = {
  chat: () => ({
    maxSaysPerSecond: 0,
    history: { size: Number(process.env.BENCH_HISTORY_SIZE ?? 0), ttl: 300 },
  }),
};
