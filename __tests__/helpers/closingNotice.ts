import type { ClosingReason } from "../../src/observability/chatObserver";

/** The notice a connection the plugin closes is sent first, as a test expects it. */
export const closingNotice = (reason: ClosingReason) => ({
  message: expect.any(String),
  from: "0",
  context: "api",
  sentAt: expect.any(Number),
  notice: "connectionClosed",
  reason,
});
