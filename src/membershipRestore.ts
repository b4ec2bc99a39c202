import type { LocalRoomIndex } from "./localRoomIndex";
import type { Membership } from "./membership";
import type { NodeLiveness } from "./nodeLiveness";
import { appendTo, type OutageLedger } from "./outageLedger";
import type { RoomPresence } from "./presence";
import type { RoomHistory } from "./roomHistory";
import type { RemovedMember, RoomStore } from "./roomStore";

export interface MembershipRestoreParts {
  ledger: OutageLedger;
  membership: Pick<Membership, "dropDestroyed" | "release">;
  index: LocalRoomIndex;
  store: RoomStore;
  presence: RoomPresence;
  history: RoomHistory;
  liveness: NodeLiveness;
}

/**
 * The repair after an outage: what this node holds is the truth about its members, so Redis is made
 * to hold exactly that, and the presence changes Redis missed are announced afterwards.
 */
export class MembershipRestore {
  constructor(private readonly parts: MembershipRestoreParts) {}

  /** Whether a change made here could not be written to Redis. */
  get needed() {
    return this.parts.ledger.restoreNeeded;
  }

  /**
   * Makes Redis hold exactly what this node holds: every room it has members in, each member with its
   * details, and none that left while Redis could not be told. A room that is gone is created again if
   * `recreateLostRooms` (Redis lost it); otherwise it was destroyed, and its members here are dropped
   * and told, as are those of a room destroyed and created again since they joined. When Redis may
   * have lost data (`recreateLostRooms`), each room's history numbering jumps past what was lost.
   */
  async restore(recreateLostRooms: boolean) {
    const { index, liveness, store, history, ledger, membership } = this.parts;
    ledger.restoreBegun();
    liveness.clearNotedRooms();
    for (const room of index.roomNames()) {
      const held = [...(index.members(room) ?? [])];
      await liveness.noteRoom(room);
      if (recreateLostRooms && history.enabled) await history.openGap(room);
      const { ended, rejoined, removed } = await store.restore(
        room,
        liveness.nodeId,
        held.map(([connection, member]) => ({ id: connection.id, ...member })),
        recreateLostRooms,
      );
      if (ended.length > 0) await membership.dropDestroyed(room, ended);
      appendTo(ledger.removedByRestore, room, removed);
      // Written back after the other nodes reaped them (this node was taken for dead): they are back.
      // After a Redis restart every member is written back, and none of them ever left.
      if (!recreateLostRooms) {
        const ids = new Set(rejoined);
        const back = held
          .filter(([connection]) => ids.has(connection.id))
          .map(([connection, member]) => ({ id: connection.id, ...member }));
        appendTo(ledger.rejoinedByRestore, room, back);
      }
      // A member that left while the script was on its way may have been written back: leave again.
      await Promise.all(
        held
          .filter(([connection]) => !index.members(room)?.has(connection))
          .map(async ([connection, member]) => {
            const { presenceLeft } = await store.leave(room, connection.id);
            appendTo(ledger.removedByRestore, room, [
              { id: connection.id, details: member.details, presenceLeft },
            ]);
          }),
      );
      if (!index.members(room)) await membership.release(room);
    }
    for (const room of await liveness.roomsOf(liveness.nodeId)) {
      if (index.members(room)) continue;
      appendTo(
        ledger.removedByRestore,
        room,
        await store.reap(room, liveness.nodeId),
      );
      await membership.release(room);
    }
  }

  /**
   * Announces the presence changes the restore made: the leaves of members that left while Redis could
   * not be told, and the joins of members written back after the other nodes had reaped them. Run
   * once the other nodes listen again and have written back their own members (after a Redis
   * restart, a change announced sooner would be lost, or a leave taken for the last of a key that
   * another node's member still holds).
   */
  async announcePresence() {
    const { ledger, presence } = this.parts;
    const rooms = new Set([
      ...ledger.removedByRestore.keys(),
      ...ledger.unwrittenLeaves.keys(),
    ]);
    for (const room of rooms) {
      const removed = ledger.removedByRestore.get(room) ?? [];
      ledger.removedByRestore.delete(room);
      await this.announceUnwrittenLeaves(room, removed);
    }
    for (const [room, members] of [...ledger.rejoinedByRestore]) {
      ledger.rejoinedByRestore.delete(room);
      for (const member of members)
        await presence.announceStored(room, "join", member.presenceKey, member);
    }
  }

  /**
   * Announces the presence leaves of members that left while Redis could not be told, once it is:
   * those `removed` now (Redis kept them), and those Redis lost with a restart whose key has no
   * connection left in the room.
   */
  private async announceUnwrittenLeaves(
    room: string,
    removed: readonly RemovedMember[],
  ) {
    const { ledger, presence, store } = this.parts;
    await presence.announceLeaves(room, removed);
    const unwritten = ledger.unwrittenLeaves.get(room) ?? [];
    ledger.unwrittenLeaves.delete(room);
    const announced = new Set(removed.map((member) => member.id));
    for (const member of unwritten) {
      if (announced.has(member.id)) continue;
      if ((await store.connectionsOf(room, member.presenceKey)) > 0) continue;
      await presence.announceStored(room, "leave", member.presenceKey, member);
    }
  }
}
