import createDebug from "debug";

/**
 * The chat's debug tracing, one `debug` namespace per part: `DEBUG=ah-chat:*` shows every decision of
 * the hot path and of recovery. Off (the default), a line costs a call that returns at once; callers on
 * the per-message path check `enabled` first, so that they build no arguments.
 */
export const trace = {
  /** A say refused, and why; a message published. */
  say: createDebug("ah-chat:say"),
  /** A delivery batch; a message dropped, held, or for a room with no members here. */
  deliver: createDebug("ah-chat:deliver"),
  /** A join or leave, or one refused and why. */
  membership: createDebug("ah-chat:membership"),
  /** Members of a dead node removed. */
  reap: createDebug("ah-chat:reap"),
  /** An outage, and each step of the recovery after it. */
  redis: createDebug("ah-chat:redis"),
  /** Requests and replies between nodes; ignored ones. */
  control: createDebug("ah-chat:control"),
};
