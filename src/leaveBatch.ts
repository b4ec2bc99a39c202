import { trace } from "./observability/trace";
import type { LeaveOutcome, RoomStore } from "./roomStore";

interface PendingLeave {
  connectionId: string;
  resolve(outcome: LeaveOutcome): void;
  reject(error: unknown): void;
}

/**
 * Sends the leaves asked for in one turn of the event loop to Redis as one script call per room, not
 * one round trip each: when many connections close at once (a deploy, a proxy dropping them all),
 * their leaves of a room cost one call. Each leave still gets its own outcome, and a call that fails
 * fails each of its leaves.
 *
 * Sent on `setImmediate`, once the turn's I/O callbacks have run: connections that close together
 * close in separate callbacks, with microtasks run between them, so a microtask would send each leave
 * alone. Waiting for the turn's end does not reorder a connection's own changes: `Membership` starts
 * its next join or leave only once this one's outcome is back.
 */
export class LeaveBatch {
  private pending = new Map<string, PendingLeave[]>();

  constructor(private readonly store: Pick<RoomStore, "leaveMany">) {}

  leave(room: string, connectionId: string): Promise<LeaveOutcome> {
    return new Promise((resolve, reject) => {
      if (this.pending.size === 0) setImmediate(this.send);
      let leaves = this.pending.get(room);
      if (!leaves) this.pending.set(room, (leaves = []));
      leaves.push({ connectionId, resolve, reject });
    });
  }

  private readonly send = () => {
    const rooms = this.pending;
    this.pending = new Map();
    for (const [room, leaves] of rooms) {
      trace.membership("room %s: %d leaves sent at once", room, leaves.length);
      this.store
        .leaveMany(
          room,
          leaves.map((leave) => leave.connectionId),
        )
        .then(
          (outcomes) =>
            leaves.forEach((leave, position) =>
              leave.resolve(outcomes[position]),
            ),
          (error: unknown) => {
            for (const leave of leaves) leave.reject(error);
          },
        );
    }
  };
}
