import type { LocalMember } from "./localRoomIndex";
import type { RemovedMember } from "./roomStore";

/** A member that left while Redis could not be told. */
export interface UnwrittenLeave extends LocalMember {
  id: string;
}

/** What membership notes of a change Redis was not told of: all it knows of outages. */
export interface UnwrittenChanges {
  /** A change made here could not be written to Redis: the node must restore its members. */
  noteUnwritten(): void;
  /** A member left a room while Redis could not be told: its presence leave waits for the restore. */
  noteUnwrittenLeave(room: string, member: UnwrittenLeave): void;
}

/**
 * Everything this node keeps of an outage until it is repaired: whether Redis lacks a change made
 * here, the leaves it was not told of, and the presence changes the restore made, which are
 * announced once every node listens again. Written by membership and the restore, read by the restore.
 */
export class OutageLedger implements UnwrittenChanges {
  private unwritten = false;
  /** Leaves Redis could not be told of, by room. */
  readonly unwrittenLeaves = new Map<string, UnwrittenLeave[]>();
  /** Members the restore removed from Redis (this node no longer holds them), by room. */
  readonly removedByRestore = new Map<string, RemovedMember[]>();
  /** Members the restore wrote back as their presence key's first connection, by room. */
  readonly rejoinedByRestore = new Map<string, UnwrittenLeave[]>();

  noteUnwritten() {
    this.unwritten = true;
  }

  noteUnwrittenLeave(room: string, member: UnwrittenLeave) {
    appendTo(this.unwrittenLeaves, room, [member]);
  }

  /** Whether Redis lacks a change made here. */
  get restoreNeeded() {
    return this.unwritten;
  }

  /** The restore has begun: a change that fails from now on is noted again. */
  restoreBegun() {
    this.unwritten = false;
  }
}

/** Adds items to a room's list in a map of lists by room. */
export function appendTo<T>(
  lists: Map<string, T[]>,
  room: string,
  items: readonly T[],
) {
  if (items.length === 0) return;
  lists.set(room, [...(lists.get(room) ?? []), ...items]);
}
