import { trace } from "./observability/trace";
import type { ChatAvailability } from "./availability";
import { chatErrors } from "./errors";
import type { LocalMember, LocalRoomIndex } from "./localRoomIndex";
import type { ChatMiddlewareStack } from "./middleware";
import type { NodeLiveness } from "./nodeLiveness";
import type { ChatPubSub } from "./pubSub";
import type { UnwrittenChanges } from "./outageLedger";
import type { RoomPresence } from "./presence";
import { reapedConnection } from "./reapedConnection";
import { CatchUp } from "./catchUp";
import { LeaveBatch } from "./leaveBatch";
import type { RoomDelivery } from "./roomDelivery";
import type { RoomHistory } from "./roomHistory";
import { parseDetails, type RemovedMember, type RoomStore } from "./roomStore";
import { SerialQueue } from "./serialQueue";
import type {
  ChatConnection,
  ChatLogger,
  MemberDetails,
  MaybePromise,
  MessagePayload,
} from "./types";

export interface MembershipParts {
  store: RoomStore;
  presence: RoomPresence;
  history: RoomHistory;
  delivery: RoomDelivery;
  index: LocalRoomIndex;
  middleware: ChatMiddlewareStack;
  pubSub: ChatPubSub;
  liveness: NodeLiveness;
  availability: ChatAvailability;
  /** Where a change Redis was not told of is noted, for the restore. */
  unwritten: UnwrittenChanges;
  maxRoomsPerConnection: number;
  log: ChatLogger;
  memberDetails(connection: ChatConnection): MaybePromise<MemberDetails>;
  presenceKey(details: MemberDetails): MaybePromise<string>;
}

/**
 * Joins and leaves of this node's connections. A connection's changes run one at a time, in the order
 * asked; the local index, `connection.rooms`, the room subscription and Redis change together. What
 * this node holds is the truth about its members: after Redis was unreachable, `MembershipRestore`
 * writes it back.
 */
export class Membership {
  private readonly queue = new SerialQueue();
  /** Leaves of many connections in one turn go to Redis together, one call per room. */
  private readonly leaves: LeaveBatch;

  constructor(private readonly parts: MembershipParts) {
    this.leaves = new LeaveBatch(parts.store);
  }

  /** True if added, false if it was already a member. */
  join(connection: ChatConnection, room: string): Promise<boolean> {
    return this.queue.run(connection.id, () => this.enter(connection, room));
  }

  /**
   * Joins and sends the connection what the room said after the message `since`, before anything newer,
   * each message once. `recovered`: nothing was missing (false without history, or when the history
   * no longer reaches back to `since`).
   */
  joinAndCatchUp(
    connection: ChatConnection,
    room: string,
    since: string,
  ): Promise<{ recovered: boolean }> {
    return this.queue.run(connection.id, async () => {
      if (connection.rooms.includes(room)) return { recovered: false };
      const catchUp = new CatchUp(since);
      await this.enter(connection, room, catchUp);
      const member = this.parts.index.members(room)?.get(connection);
      if (!member) return { recovered: false };
      const { history, delivery, log } = this.parts;
      try {
        const page = history.enabled
          ? await history.read(room, { since })
          : { messages: [], complete: false };
        delivery.catchUp(
          connection,
          member,
          await this.throughSayMiddleware(connection, room, page.messages),
          page.complete,
        );
        return { recovered: page.complete };
      } catch (error) {
        delivery.catchUp(connection, member, [], false);
        log(
          `connection "${connection.id}" joined room "${room}", but its history could not be read`,
          "warning",
          { error: String(error) },
        );
        return { recovered: false };
      }
    });
  }

  /** Missed messages pass the `say` middleware as live ones do (in order; `null` drops one). */
  private async throughSayMiddleware(
    connection: ChatConnection,
    room: string,
    messages: MessagePayload[],
  ) {
    const { middleware } = this.parts;
    if (!middleware.has("say")) return messages;
    const passed: MessagePayload[] = [];
    for (const message of messages) {
      const payload = await middleware.runSay(connection, room, message);
      if (payload !== null) passed.push(payload);
    }
    return passed;
  }

  /** Joins now (the caller holds the connection's turn); a `catchUp` holds the room's messages meanwhile. */
  private async enter(
    connection: ChatConnection,
    room: string,
    catchUp?: CatchUp,
  ) {
    const { store, middleware, index, pubSub, liveness } = this.parts;
    if (connection.canChat === false)
      throw chatErrors.cannotChat(connection.id, connection.type);
    if (connection.destroyed) throw chatErrors.connectionClosed(connection.id);
    if (connection.rooms.includes(room)) return false;
    if (connection.rooms.length >= this.parts.maxRoomsPerConnection)
      throw chatErrors.tooManyRooms(
        connection.id,
        this.parts.maxRoomsPerConnection,
      );
    this.parts.availability.assertAvailable();
    // Join middleware may act on the join (announce it), so it must not run for a room that does not exist.
    if (middleware.has("join")) {
      if (!(await store.exists(room))) throw chatErrors.roomNotFound(room);
      await middleware.runMembership("join", connection, room);
    }
    const stored = await this.parts.memberDetails(connection);
    // The hooks are given the id whatever generateMemberDetails returned, as roomStatus and reaping are.
    const details = { ...stored, id: connection.id };
    const member: LocalMember = {
      details: JSON.stringify(stored),
      generation: "",
      presenceKey: String(await this.parts.presenceKey(details)),
      catchUp,
    };
    connection.rooms.push(room);
    const first = index.add(room, connection, member);
    try {
      // Listening before stored, so no message sent once Redis has the member misses it; and the
      // room noted before stored, so that if this node dies the member can be found.
      await Promise.all([
        first ? pubSub.subscribeRoom(room) : pubSub.subscribed(room),
        liveness.noteRoom(room),
      ]);
      const { outcome, generation, presenceJoined } = await store.join(
        room,
        connection.id,
        member.details,
        liveness.nodeId,
        member.presenceKey,
      );
      if (outcome === "noRoom") throw chatErrors.roomNotFound(room);
      member.generation = generation;
      trace.membership(
        "room %s: %s joined%s",
        room,
        connection.id,
        first ? " (the room's first member here: subscribed)" : "",
      );
      if (presenceJoined)
        await this.parts.presence.announce(
          room,
          "join",
          member.presenceKey,
          details,
        );
      return outcome === "added";
    } catch (error) {
      // Redis may have stored the member before the failure: take it out there too.
      await this.removeFromRooms(connection, [room]);
      throw error;
    }
  }

  /** True if removed, false if it was not a member. Leave middleware may refuse. */
  leave(connection: ChatConnection, room: string): Promise<boolean> {
    return this.queue.run(connection.id, async () => {
      if (!connection.rooms.includes(room)) return false;
      this.parts.availability.assertAvailable();
      await this.parts.middleware.runMembership("leave", connection, room);
      await this.removeFromRooms(connection, [room]);
      trace.membership("room %s: %s left", room, connection.id);
      return true;
    });
  }

  /** Leaves every room, as when the connection closes: leave middleware runs but cannot refuse. */
  leaveAll(connection: ChatConnection): Promise<void> {
    return this.queue.run(connection.id, async () => {
      const rooms = [...connection.rooms];
      for (const room of rooms)
        await this.runLeaveMiddlewareUnrefusable(connection, room);
      await this.removeFromRooms(connection, rooms);
    });
  }

  /**
   * Drops local members of a room that was destroyed (Redis has already forgotten them) and tells them:
   * those listed that joined the life of the room given by `generation` (any life, without it).
   */
  async dropDestroyed(
    room: string,
    memberIds: readonly string[],
    generation?: string,
  ) {
    const members = this.parts.index.members(room);
    if (!members) return;
    const ids = new Set(memberIds);
    const dropped = [...members.keys()].filter((connection) =>
      ids.has(connection.id),
    );
    await Promise.all(
      dropped.map((connection) =>
        this.queue.run(connection.id, async () => {
          const member = this.parts.index.members(room)?.get(connection);
          if (!member) return;
          // A connection that rejoined a room created again since is not dropped by an older destroy.
          if (generation !== undefined && member.generation !== generation)
            return;
          await this.runLeaveMiddlewareUnrefusable(connection, room);
          if (this.removeLocally(connection, room)) await this.release(room);
          this.parts.delivery.tellRemoved(connection, "roomDestroyed", room);
        }),
      ),
    );
  }

  /**
   * Runs the leave middleware for a member reaped from a dead node, with a stand-in for its connection,
   * and announces its presence key's leave if it was the key's last connection.
   */
  async runLeaveForReaped(room: string, member: RemovedMember) {
    await this.runLeaveMiddlewareUnrefusable(
      reapedConnection(parseDetails(member.id, member.details)),
      room,
    );
    await this.parts.presence.announceLeaves(room, [member]);
  }

  /**
   * Takes a connection out of rooms here, then in Redis. Redis failing does not undo it: the change is
   * kept here and the restore writes it.
   */
  private async removeFromRooms(
    connection: ChatConnection,
    rooms: readonly string[],
  ) {
    const { index, availability } = this.parts;
    const details = rooms.map((room) => index.members(room)?.get(connection));
    const emptied = rooms.filter((room) =>
      this.removeLocally(connection, room),
    );
    // Not queued while Redis is unreachable: the restore tells it, and then announces the leave.
    const stored = rooms.map(async (room) =>
      availability.guard(() => this.leaves.leave(room, connection.id)),
    );
    const leaving = rooms.map(async (room, position) => {
      const member = details[position];
      let presenceLeft: string | null;
      try {
        ({ presenceLeft } = await stored[position]);
      } catch (error) {
        // A member whose join Redis never answered was never announced, so its leave is not either.
        if (member && member.generation !== "")
          this.parts.unwritten.noteUnwrittenLeave(room, {
            id: connection.id,
            ...member,
          });
        throw error;
      }
      if (member)
        await this.parts.presence.announceLeaves(room, [
          { id: connection.id, details: member.details, presenceLeft },
        ]);
    });
    // Once Redis has answered the leaves (sent at the end of the turn), so that a node that dies in
    // between still has these rooms noted.
    const releasing = Promise.allSettled(stored).then(() =>
      Promise.all(emptied.map((room) => this.release(room))),
    );
    const outcomes = await Promise.allSettled([...leaving, releasing]);
    const failure = outcomes.find((outcome) => outcome.status === "rejected");
    if (failure) {
      this.parts.unwritten.noteUnwritten();
      this.parts.log(
        `connection "${connection.id}" left its rooms here; Redis is told when it answers`,
        "debug",
        { error: String((failure as PromiseRejectedResult).reason) },
      );
    }
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
        { error: String(error) },
      );
    }
  }

  /** True if it was the room's last member here. */
  private removeLocally(connection: ChatConnection, room: string): boolean {
    const position = connection.rooms.indexOf(room);
    if (position >= 0) connection.rooms.splice(position, 1);
    return this.parts.index.remove(room, connection);
  }

  /**
   * Once a room has no member here: stop listening to it and un-note it. A join that began meanwhile
   * notes it again, after the un-noting.
   */
  async release(room: string) {
    const { pubSub, liveness, index, delivery } = this.parts;
    if (!index.members(room)) delivery.forgetRoom(room);
    const unnoting = liveness.unnoteRoom(room);
    const renoting = index.members(room) ? liveness.noteRoom(room) : undefined;
    await Promise.all([
      index.members(room) ? undefined : pubSub.unsubscribeRoom(room),
      unnoting,
      renoting,
    ]);
  }
}
