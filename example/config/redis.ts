// With REDIS_URL set the demo uses that Redis (several demos on one Redis are one chat);
// without it, an in-memory Redis (ioredis-mock), for one process.
export const DEFAULT = process.env.REDIS_URL
  ? {}
  : {
      redis: () => {
        const inMemory = {
          konstructor: require("ioredis-mock"),
          args: [{}],
          buildNew: true,
        };
        return {
          _toExpand: false,
          client: inMemory,
          subscriber: inMemory,
          tasks: inMemory,
        };
      },
    };
