// The chat plugin's settings; anything left out keeps its default (see docs/configuration.md).
// With REDIS_CLUSTER (`host:port,host:port,...`) chat is on that Redis Cluster.
export const DEFAULT = {
  chat: () => ({
    keyPrefix: "chat-demo:",
    maxMessageLength: 2000,
    // The page keeps its member lists from presence events, and shows a room's recent messages on joining it.
    presence: { events: true },
    history: { size: 50, ttl: 600 },
    // The admin page at /chat-admin; set CHAT_ADMIN_TOKEN to anything but this demo's default.
    admin: { token: process.env.CHAT_ADMIN_TOKEN || "demo-admin-token" },
    ...(process.env.REDIS_CLUSTER
      ? {
          redis: {
            cluster: { nodes: process.env.REDIS_CLUSTER.split(",") },
          },
        }
      : {}),
  }),
};
