import type { ChatConnection } from "./types";

/** The connections of this node in each room, so delivering a message costs only that room's local members. */
export class LocalRoomIndex {
  private readonly rooms = new Map<string, Set<ChatConnection>>();

  /** True if the connection is the room's first member on this node. */
  add(room: string, connection: ChatConnection): boolean {
    let members = this.rooms.get(room);
    const first = members === undefined;
    if (!members) {
      members = new Set();
      this.rooms.set(room, members);
    }
    members.add(connection);
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

  members(room: string): ReadonlySet<ChatConnection> | undefined {
    return this.rooms.get(room);
  }

  roomNames() {
    return [...this.rooms.keys()];
  }
}
