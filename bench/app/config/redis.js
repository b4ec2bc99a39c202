// BENCH_REDIS_MEMORY (`--redis memory`): the application, and so chat, on ioredis-mock in this
// process, as the demo's `npm start` runs; otherwise actionhero's defaults (REDIS_HOST, REDIS_PORT).
const inMemory = {
  konstructor: require("ioredis-mock"),
  args: [{}],
  buildNew: true,
};

exports.DEFAULT = process.env.BENCH_REDIS_MEMORY
  ? {
      redis: () => ({
        _toExpand: false,
        client: inMemory,
        subscriber: inMemory,
        tasks: inMemory,
      }),
    }
  : {};
