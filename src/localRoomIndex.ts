import type { CatchUp } from "./catchUp";
import type { ChatConnection } from "./types";

/** What this node keeps about one of its members: what it stored, and the life of the room it joined. */
export interface LocalMember {
  details: string;
  /** The room's generation when it joined ("" until Redis has answered). */
  generation: string;
  presenceKey: string;
  /** While it catches up on what it missed (`roomAdd room since`), and until it has. */
  catchUp?: CatchUp;
}

/** The connections of this node in each room, so delivering a message costs only that room's local members. */
export class LocalRoomIndex {
  private readonly rooms = new Map<string, Map<ChatConnection, LocalMember>>();

  /** True if the connection is the room's first member on this node. */
  add(room: string, connection: ChatConnection, member: LocalMember): boolean {
    let members = this.rooms.get(room);
    const first = members === undefined;
    if (!members) {
      members = new Map();
      this.rooms.set(room, members);
    }
    members.set(connection, member);
    return first;
  }

  /** True if the room has no member left on this node. */
  remove(room: string, connection: ChatConnection): boolean {
    const members = this.rooms.get(room);
    if (!members || !members.delete(connection)) return false;
    if (members.size > 0) return false;
    this.rooms.delete(room);
    return true;
  }

  members(room: string): ReadonlyMap<ChatConnection, LocalMember> | undefined {
    return this.rooms.get(room);
  }

  roomNames() {
    return [...this.rooms.keys()];
  }

  /** Every connection of this node that is in a room, once. */
  connections(): ChatConnection[] {
    const connections = new Set<ChatConnection>();
    for (const members of this.rooms.values())
      for (const connection of members.keys()) connections.add(connection);
    return [...connections];
  }
}
