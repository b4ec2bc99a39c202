import type { RoomTraffic } from "./admin/roomTraffic";
import type { ChatAvailability } from "./availability";
import type { ChatHooks } from "./chatParts";
import type { ChatTransports } from "./chatTransport";
import type { ChatConfig } from "./config";
import { chatErrors } from "./errors";
import type { ChatMiddlewareStack } from "./middleware";
import type { ChatObserver } from "./observability/chatObserver";
import { trace } from "./observability/trace";
import type { ChatPubSub } from "./pubSub";
import type { RoomDelivery } from "./roomDelivery";
import type { RoomHistory } from "./roomHistory";
import { SayRateLimiter } from "./sayRateLimiter";
import type { ChatConnection, ChatLogger, Sender } from "./types";
import { assertMessage } from "./validation";

export interface RoomPublisherParts {
  config: Pick<
    ChatConfig,
    "maxMessageLength" | "maxSaysPerSecond" | "sayBurst" | "maxRoomQueue"
  >;
  hooks: Pick<ChatHooks, "generateMessagePayload">;
  middleware: ChatMiddlewareStack;
  delivery: Pick<RoomDelivery, "isRoomBusy">;
  availability: ChatAvailability;
  history: RoomHistory;
  pubSub: ChatPubSub;
  transports: ChatTransports;
  traffic: RoomTraffic;
  observer: ChatObserver;
  log: ChatLogger;
  serverId: string;
}

/**
 * Sends a message to a room on every node: the checks a say passes (membership, rate, the room's
 * queue, availability), its payload, `onSayReceive` middleware, and its publishing to the room's
 * channel (through the history when it is on).
 */
export class RoomPublisher {
  private readonly sayRate: SayRateLimiter;

  constructor(private readonly parts: RoomPublisherParts) {
    this.sayRate = new SayRateLimiter(
      parts.config.maxSaysPerSecond,
      parts.config.sayBurst,
    );
  }

  async publish(
    sender: Exclude<Sender, null | undefined>,
    room: string,
    message: unknown,
  ) {
    const { config, availability, middleware, observer } = this.parts;
    assertMessage(room, message, config.maxMessageLength);
    const from =
      sender.id === undefined || sender.id === null ? "0" : String(sender.id);
    if (Array.isArray(sender.rooms)) {
      if (!sender.rooms.includes(room)) throw chatErrors.notAMember(from, room);
      this.limitRate(sender as ChatConnection);
    }
    if (this.parts.delivery.isRoomBusy(room))
      throw chatErrors.roomBusy(room, config.maxRoomQueue);

    availability.assertAvailable();
    const payload = this.parts.hooks.generateMessagePayload({
      message,
      sentAt: Date.now(),
      serverId: this.parts.serverId,
      connection: { id: from, room },
    });
    const accepted = await middleware.runOnSayReceive(sender, room, payload);
    if (accepted === null) {
      trace.say("room %s: dropped by onSayReceive middleware", room);
      return;
    }
    const json = JSON.stringify(accepted);
    const { history, pubSub } = this.parts;
    await availability.guard<unknown>(() =>
      history.enabled
        ? history.publish(room, json)
        : pubSub.publishRoom(room, json),
    );
    this.parts.traffic.record(room);
    observer.said(
      Array.isArray(sender.rooms)
        ? ((sender as ChatConnection).type ?? "unknown")
        : "server",
    );
    if (trace.say.enabled)
      trace.say("room %s: published %d bytes from %s", room, json.length, from);
  }

  /** Refuses a say past the connection's rate; closes a connection that floods. */
  private limitRate(connection: ChatConnection) {
    const { maxSaysPerSecond } = this.parts.config;
    const verdict = this.sayRate.take(connection);
    if (verdict === "accepted") return;
    if (verdict === "flooding") {
      this.parts.observer.connectionClosed("flood");
      this.parts.log(
        `closing connection "${connection.id}": it went on saying far past ${maxSaysPerSecond} messages a second`,
        "warning",
      );
      this.parts.transports.for(connection).close(connection, "flood");
    }
    throw chatErrors.rateLimited(connection.id, maxSaysPerSecond);
  }
}
