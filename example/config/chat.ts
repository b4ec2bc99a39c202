// The chat plugin's settings; anything left out keeps its default (see docs/configuration.md).
export const DEFAULT = {
  chat: () => ({
    keyPrefix: "chat-demo:",
    maxMessageLength: 2000,
  }),
};
