import { chatErrors } from "./errors";
import type { LocalRoomIndex } from "./localRoomIndex";
import type { ChatMiddlewareStack } from "./middleware";
import type { ChatPubSub } from "./pubSub";
import type { RoomStore } from "./roomStore";
import { SerialQueue } from "./serialQueue";
import type {
  ChatConnection,
  ChatLogger,
  MemberDetails,
  MaybePromise,
} from "./types";

export interface MembershipParts {
  store: RoomStore;
  index: LocalRoomIndex;
  middleware: ChatMiddlewareStack;
  pubSub: ChatPubSub;
  log: ChatLogger;
  memberDetails(connection: ChatConnection): MaybePromise<MemberDetails>;
  /** Tells a member it was removed because its room was destroyed. */
  notifyDestroyed(connection: ChatConnection, room: string): void;
}

/**
 * Joins and leaves of this node's connections. A connection's changes run one at a time, in the order
 * asked; the local index, `connection.rooms`, the room subscription and Redis change together.
 */
export class Membership {
  private readonly queue = new SerialQueue();

  constructor(private readonly parts: MembershipParts) {}

  /** True if added, false if it was already a member. */
  join(connection: ChatConnection, room: string): Promise<boolean> {
    return this.queue.run(connection.id, async () => {
      const { store, middleware } = this.parts;
      if (connection.canChat === false)
        throw chatErrors.cannotChat(connection.id, connection.type);
      if (connection.destroyed)
        throw chatErrors.connectionClosed(connection.id);
      if (connection.rooms.includes(room)) return false;
      // Join middleware may act on the join (announce it), so it must not run for a room that does not exist.
      if (middleware.has("join")) {
        if (!(await store.exists(room))) throw chatErrors.roomNotFound(room);
        await middleware.runMembership("join", connection, room);
      }
      const details = JSON.stringify(
        await this.parts.memberDetails(connection),
      );
      // Local first, so a message sent as soon as Redis has the member is delivered to it.
      const subscribing = this.addLocally(connection, room);
      try {
        const [outcome] = await Promise.all([
          store.join(room, connection.id, details),
          subscribing,
        ]);
        if (outcome === "noRoom") throw chatErrors.roomNotFound(room);
        return outcome === "added";
      } catch (error) {
        await this.removeLocally(connection, room);
        throw error;
      }
    });
  }

  /** True if removed, false if it was not a member. Leave middleware may refuse. */
  leave(connection: ChatConnection, room: string): Promise<boolean> {
    return this.queue.run(connection.id, async () => {
      if (!connection.rooms.includes(room)) return false;
      await this.parts.middleware.runMembership("leave", connection, room);
      await this.removeLocally(connection, room);
      await this.parts.store.leave(room, connection.id);
      return true;
    });
  }

  /** Leaves every room, as when the connection closes: leave middleware runs but cannot refuse. */
  leaveAll(connection: ChatConnection): Promise<void> {
    return this.queue.run(connection.id, async () => {
      const rooms = [...connection.rooms];
      for (const room of rooms) {
        await this.runLeaveMiddlewareUnrefusable(connection, room);
        await this.removeLocally(connection, room);
      }
      await this.parts.store.leaveRooms(connection.id, rooms);
    });
  }

  /** Drops the local members of a room that was destroyed (Redis has already forgotten them) and tells them. */
  async dropDestroyed(room: string, memberIds: readonly string[]) {
    const members = this.parts.index.members(room);
    if (!members) return;
    const ids = new Set(memberIds);
    const dropped = [...members].filter((connection) => ids.has(connection.id));
    await Promise.all(
      dropped.map((connection) =>
        this.queue.run(connection.id, async () => {
          if (!connection.rooms.includes(room)) return;
          await this.runLeaveMiddlewareUnrefusable(connection, room);
          await this.removeLocally(connection, room);
          this.parts.notifyDestroyed(connection, room);
        }),
      ),
    );
  }

  private async runLeaveMiddlewareUnrefusable(
    connection: ChatConnection,
    room: string,
  ) {
    try {
      await this.parts.middleware.runMembership("leave", connection, room);
    } catch (error) {
      this.parts.log(
        `leave middleware failed for connection "${connection.id}" in room "${room}"`,
        "warning",
        {
          error: String(error),
        },
      );
    }
  }

  private async addLocally(connection: ChatConnection, room: string) {
    connection.rooms.push(room);
    if (this.parts.index.add(room, connection))
      await this.parts.pubSub.subscribeRoom(room);
  }

  private async removeLocally(connection: ChatConnection, room: string) {
    const position = connection.rooms.indexOf(room);
    if (position >= 0) connection.rooms.splice(position, 1);
    if (this.parts.index.remove(room, connection))
      await this.parts.pubSub.unsubscribeRoom(room);
  }
}
