/** Why the plugin closed a connection. */
export type ClosedReason =
  "flood" | "slow_reader" | "node_write_budget" | "frame_too_large";

/** Why the plugin closes a connection itself, telling it first (`ws` closes one for a frame too large). */
export type ClosingReason = Exclude<ClosedReason, "frame_too_large">;

/** What a refusal refused: a message (`say`, `broadcast`) or a join (`roomAdd`, `addMember`). */
export type RefusedRequest = "say" | "join";

/**
 * What the engine and the servers tell of their work as it happens, for metrics. Every method is
 * cheap and synchronous: some run once per message, `delivered` once per delivery.
 */
export interface ChatObserver {
  /** A message was accepted for publishing, from a connection of `transport` (`server` for server code). */
  said(transport: string): void;
  /** One message was handed to one connection. */
  delivered(): void;
  /** A message reached this node's members `seconds` after the time it carries. */
  deliveryLatency(seconds: number): void;
  /** `code` is the `ChatError`'s, or `MIDDLEWARE_REFUSED` when a middleware threw an error of its own. */
  refused(request: RefusedRequest, code: string): void;
  connectionClosed(reason: ClosedReason): void;
  /** A message to a room was dropped here: `maxRoomQueue` messages already waited for its `say` middleware. */
  messageDropped(): void;
  /** Chat on this node became unavailable (a Redis connection lost, or a master replaced). */
  outageStarted(): void;
  /** Chat is available again: the outage lasted `outageSeconds`, its repair (after Redis answered) `recoverySeconds`. */
  recovered(outageSeconds: number, recoverySeconds: number): void;
  /** Members of dead nodes removed by this node. */
  membersReaped(count: number): void;
  presenceEvent(event: "join" | "leave"): void;
  historyRead(): void;
  /** A `roomAdd room since` sent what was missed: all of it (`true`), or not (a gap). */
  historyRecovery(recovered: boolean): void;
}

const nothing = () => undefined;

/** Tells nobody: what the engine uses when metrics are off. */
export const silentObserver: ChatObserver = {
  said: nothing,
  delivered: nothing,
  deliveryLatency: nothing,
  refused: nothing,
  connectionClosed: nothing,
  messageDropped: nothing,
  outageStarted: nothing,
  recovered: nothing,
  membersReaped: nothing,
  presenceEvent: nothing,
  historyRead: nothing,
  historyRecovery: nothing,
};
