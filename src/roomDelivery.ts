import type { ChatConfig } from "./config";
import type { LocalMember, LocalRoomIndex } from "./localRoomIndex";
import { isPresenceJson } from "./presence";
import type { ChatMiddlewareStack } from "./middleware";
import type { NodeWriteBudget } from "./nodeWriteBudget";
import type { ChatObserver } from "./observability/chatObserver";
import { trace } from "./observability/trace";
import type { ChatTransports } from "./chatTransport";
import { MissedMessages } from "./missedMessages";
import type { RoomHistory } from "./roomHistory";
import { RoomMessage } from "./roomMessage";
import { removalPayload, type RemovalNotice } from "./roomNotice";
import { SerialQueue } from "./serialQueue";
import { closeIfSlowReader } from "./slowReader";
import type { ChatConnection, ChatLogger, MessagePayload } from "./types";

export interface RoomDeliveryParts {
  index: LocalRoomIndex;
  middleware: ChatMiddlewareStack;
  transports: ChatTransports;
  /** Read at each message, so that a changed setting applies at once. */
  config: Pick<ChatConfig, "maxRoomQueue" | "maxWriteBuffer">;
  /** What the members hold unsent together, bounded for the node. */
  writeBudget: NodeWriteBudget;
  /** With it on, a message missed here is delivered from it. */
  history: Pick<RoomHistory, "enabled" | "read">;
  log: ChatLogger;
  observer: ChatObserver;
}

/**
 * Hands a room's incoming messages to this node's members of that room, and to no other connection,
 * each through the transport of its server; a member that does not read, or holds the most when the
 * node holds too much, is closed instead.
 */
export class RoomDelivery {
  /** With `say` middleware (which may be async), a room's messages still arrive in the order sent. */
  private readonly roomQueue = new SerialQueue();
  /** How many messages of each room wait in `roomQueue`. */
  private readonly waiting = new Map<string, number>();

  private readonly missed: MissedMessages;

  constructor(private readonly parts: RoomDeliveryParts) {
    this.missed = new MissedMessages({
      ...parts,
      deliver: (room, message) => this.deliver(room, message),
    });
  }

  /** Whether a room's queue is full here, so that a message to it should be refused before it is sent. */
  isRoomBusy(room: string) {
    return (this.waiting.get(room) ?? 0) >= this.parts.config.maxRoomQueue;
  }

  receive(room: string, json: string) {
    const members = this.parts.index.members(room);
    if (!members) {
      trace.deliver("no members here of room %s: message not delivered", room);
      // A member who joins later must not be sent what came meanwhile as missed.
      this.missed.forget(room);
      return;
    }
    const message = RoomMessage.fromJson(json);
    this.measureLatency(message);
    if (this.missed.admit(room, message)) this.deliver(room, message, members);
  }

  /** The node has no members in the room any more. */
  forgetRoom(room: string) {
    this.missed.forget(room);
  }

  /** Hands a room's message to its members here, through `say` middleware if there is any. */
  private deliver(
    room: string,
    message: RoomMessage,
    members = this.parts.index.members(room),
  ) {
    if (!members) return;
    // A presence event is the node's notice, not a say: `say` middleware does not run for it.
    if (!this.parts.middleware.has("say") || isPresenceJson(message.json)) {
      if (trace.deliver.enabled)
        trace.deliver("room %s: to %d members", room, members.size);
      for (const [connection, member] of members)
        this.offer(connection, member, message);
      return;
    }
    const waiting = this.waiting.get(room) ?? 0;
    if (waiting >= this.parts.config.maxRoomQueue) {
      this.parts.observer.messageDropped();
      trace.deliver(
        "room %s: dropped, %d wait for say middleware",
        room,
        waiting,
      );
      this.parts.log(
        `dropped a message to room "${room}": ${waiting} wait for its say middleware here`,
        "warning",
      );
      return;
    }
    if (trace.deliver.enabled)
      trace.deliver(
        "room %s: to %d members through say middleware",
        room,
        members.size,
      );
    this.waiting.set(room, waiting + 1);
    this.roomQueue
      .run(room, () =>
        this.deliverThroughMiddleware(room, [...members], message),
      )
      .finally(() => {
        const left = (this.waiting.get(room) ?? 1) - 1;
        if (left > 0) this.waiting.set(room, left);
        else this.waiting.delete(room);
      });
  }

  private async deliverThroughMiddleware(
    room: string,
    members: [ChatConnection, LocalMember][],
    message: RoomMessage,
  ) {
    await Promise.all(
      members.map(async ([connection, member]) => {
        try {
          const payload = await this.parts.middleware.runSay(
            connection,
            room,
            message.payload,
          );
          if (payload !== null)
            this.offer(connection, member, RoomMessage.fromPayload(payload));
        } catch (error) {
          this.parts.log(
            `say middleware failed for connection "${connection.id}" in room "${room}"`,
            "warning",
            {
              error: String(error),
            },
          );
        }
      }),
    );
  }

  /** Sends a member that joined with `since` what it missed (oldest first, `complete` if all of it), then what came meanwhile. */
  catchUp(
    connection: ChatConnection,
    member: LocalMember,
    missed: MessagePayload[],
    complete: boolean,
  ) {
    const { catchUp } = member;
    if (!catchUp) return;
    const messages = catchUp.missedThenHeld(
      missed.map(RoomMessage.fromPayload),
      complete,
    );
    for (const message of messages) this.send(connection, message);
  }

  /** Sends a room's message to one member, unless the member is catching up and holds or has it. */
  private offer(
    connection: ChatConnection,
    member: LocalMember,
    message: RoomMessage,
  ) {
    const { catchUp } = member;
    if (catchUp) {
      if (!catchUp.admit(message)) {
        this.parts.log(
          `held or dropped a message to connection "${connection.id}": it is catching up`,
          "debug",
        );
        return;
      }
      if (catchUp.caughtUp) member.catchUp = undefined;
    }
    this.send(connection, message);
  }

  /** Tells a member that the server took it out of a room: its client could not know otherwise. */
  tellRemoved(connection: ChatConnection, notice: RemovalNotice, room: string) {
    this.send(
      connection,
      RoomMessage.fromPayload(removalPayload(notice, room)),
    );
  }

  /** The time from the message's `sentAt` to now, when it is handed to this node's members. */
  private measureLatency(message: RoomMessage) {
    const { sentAt } = message;
    if (sentAt !== undefined)
      this.parts.observer.deliveryLatency(
        Math.max(0, Date.now() - sentAt) / 1000,
      );
  }

  private send(connection: ChatConnection, message: RoomMessage) {
    const transport = this.parts.transports.for(connection);
    try {
      if (
        closeIfSlowReader(
          transport,
          connection,
          this.parts.config.maxWriteBuffer,
          this.parts.observer,
          this.parts.log,
          this.parts.writeBudget,
        )
      )
        return;
      // Counted once handed to the transport: a member closed instead was not delivered to.
      this.parts.observer.delivered();
      const sending = transport.write(connection, message);
      if (sending instanceof Promise)
        sending.catch((error) => this.logSendFailure(connection, error));
    } catch (error) {
      this.logSendFailure(connection, error);
    }
  }

  private logSendFailure(connection: ChatConnection, error: unknown) {
    this.parts.log(
      `could not deliver a message to connection "${connection.id}"`,
      "warning",
      { error: String(error) },
    );
  }
}
