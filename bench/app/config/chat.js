// Senders of the saturated runs go past the default 100 says a second per connection;
// BENCH_HISTORY_SIZE (`--history`) keeps each room's last messages; BENCH_REDIS_CLUSTER
// (`--redis cluster`, `host:port,...`) puts chat on a Redis Cluster; BENCH_METRICS off (`--metrics off`)
// turns chat's metrics off.
exports.DEFAULT = {
  chat: () => ({
    maxSaysPerSecond: 0,
    metrics: { enabled: process.env.BENCH_METRICS !== "off" },
    history: { size: Number(process.env.BENCH_HISTORY_SIZE ?? 0), ttl: 300 },
    ...(process.env.BENCH_REDIS_CLUSTER
      ? {
          redis: {
            cluster: { nodes: process.env.BENCH_REDIS_CLUSTER.split(",") },
          },
        }
      : {}),
  }),
};
