import type { LocalRoomIndex } from "./localRoomIndex";
import type { ChatMiddlewareStack } from "./middleware";
import { RoomMessage, type DeliverMessage } from "./roomMessage";
import { SerialQueue } from "./serialQueue";
import type { ChatConnection, ChatLogger, MessagePayload } from "./types";

/** Hands a room's incoming messages to this node's members of that room, and to no other connection. */
export class RoomDelivery {
  /** With `say` middleware (which may be async), a room's messages still arrive in the order sent. */
  private readonly roomQueue = new SerialQueue();
  /** How many messages of each room wait in `roomQueue`. */
  private readonly waiting = new Map<string, number>();

  constructor(
    private readonly index: LocalRoomIndex,
    private readonly middleware: ChatMiddlewareStack,
    private readonly deliver: DeliverMessage,
    private readonly maxRoomQueue: number,
    private readonly log: ChatLogger,
  ) {}

  /** Whether a room's queue is full here, so that a message to it should be refused before it is sent. */
  isRoomBusy(room: string) {
    return (this.waiting.get(room) ?? 0) >= this.maxRoomQueue;
  }

  receive(room: string, json: string) {
    const members = this.index.members(room);
    if (!members) return;
    const message = RoomMessage.fromJson(json);
    if (!this.middleware.has("say")) {
      for (const connection of members.keys()) this.send(connection, message);
      return;
    }
    const waiting = this.waiting.get(room) ?? 0;
    if (waiting >= this.maxRoomQueue) {
      this.log(
        `dropped a message to room "${room}": ${waiting} wait for its say middleware here`,
        "warning",
      );
      return;
    }
    this.waiting.set(room, waiting + 1);
    this.roomQueue
      .run(room, () =>
        this.deliverThroughMiddleware(room, [...members.keys()], message),
      )
      .finally(() => {
        const left = (this.waiting.get(room) ?? 1) - 1;
        if (left > 0) this.waiting.set(room, left);
        else this.waiting.delete(room);
      });
  }

  private async deliverThroughMiddleware(
    room: string,
    members: ChatConnection[],
    message: RoomMessage,
  ) {
    await Promise.all(
      members.map(async (connection) => {
        try {
          const payload = await this.middleware.runMessage(
            "say",
            connection,
            room,
            message.payload,
          );
          if (payload !== null)
            this.send(connection, RoomMessage.fromPayload(payload));
        } catch (error) {
          this.log(
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

  /** Sends a payload from the node itself to one member. */
  sendPayload(connection: ChatConnection, payload: MessagePayload) {
    this.send(connection, RoomMessage.fromPayload(payload));
  }

  private send(connection: ChatConnection, message: RoomMessage) {
    try {
      const sending = this.deliver(connection, message);
      if (sending instanceof Promise)
        sending.catch((error) => this.logSendFailure(connection, error));
    } catch (error) {
      this.logSendFailure(connection, error);
    }
  }

  private logSendFailure(connection: ChatConnection, error: unknown) {
    this.log(
      `could not deliver a message to connection "${connection.id}"`,
      "warning",
      { error: String(error) },
    );
  }
}
