import type { ChatConfig } from "./config";
import type { ChatObserver } from "./observability/chatObserver";
import { trace } from "./observability/trace";
import { isPresenceJson } from "./presence";
import {
  parseMessageId,
  type MessagePlace,
  type RoomHistory,
} from "./roomHistory";
import { RoomMessage } from "./roomMessage";
import type { ChatLogger } from "./types";

export interface MissedMessagesParts {
  history: Pick<RoomHistory, "enabled" | "read">;
  config: Pick<ChatConfig, "maxRoomQueue">;
  /** Delivers a room's message to its members here. */
  deliver(room: string, message: RoomMessage): void;
  observer: ChatObserver;
  log: ChatLogger;
}

/**
 * Notices, with the history on, the messages of a room that this node missed, and delivers them from
 * the history before the message that showed them missing. Pub/sub is at most once: when a Redis
 * master is replaced, what it published just before it went may have reached some nodes and not
 * others, while the history (and the OK the sender was answered) kept it. A room's messages arrive
 * numbered in order, so a number that skips ahead of the last one received here tells what is
 * missing; the last one again (the same number and JSON) is a repeat, dropped.
 */
export class MissedMessages {
  /** The last message of each room received here: its place, and its JSON to tell a repeat. */
  private readonly last = new Map<
    string,
    { place: MessagePlace; json: string }
  >();
  /** Rooms whose missing messages are being read: what arrives meanwhile waits here, in order. */
  private readonly waiting = new Map<string, RoomMessage[]>();

  constructor(private readonly parts: MissedMessagesParts) {}

  /**
   * Whether a room's message just received goes to its members now; one held or dropped does not. A
   * presence event has no place in the history: it only waits its turn.
   */
  admit(room: string, message: RoomMessage): boolean {
    if (!this.parts.history.enabled) return true;
    const waiting = this.waiting.get(room);
    if (waiting) return this.hold(room, waiting, message);
    if (isPresenceJson(message.json)) return true;
    const place = parseMessageId(message.historyId);
    if (!place) return true;
    const last = this.last.get(room);
    if (last && last.place.epoch === place.epoch) {
      if (
        place.sequence === last.place.sequence &&
        message.json === last.json
      ) {
        trace.deliver(
          "room %s: message %d received again, dropped",
          room,
          place.sequence,
        );
        return false;
      }
      // A number given again, or lower (a replica that took over lacked the last ones), is a new message.
      if (place.sequence > last.place.sequence + 1) {
        this.fill(room, last.place, place, message);
        return false;
      }
    }
    this.last.set(room, { place, json: message.json });
    return true;
  }

  /** The node has no members in the room any more: what it knew of the room's messages is stale. */
  forget(room: string) {
    this.last.delete(room);
    this.waiting.delete(room);
  }

  private hold(room: string, waiting: RoomMessage[], message: RoomMessage) {
    if (waiting.length < this.parts.config.maxRoomQueue) {
      waiting.push(message);
      return false;
    }
    this.parts.observer.messageDropped();
    this.parts.log(
      `dropped a message to room "${room}": ${waiting.length} wait for its missed messages to be read`,
      "warning",
    );
    return false;
  }

  /** Reads the messages between `last` and `next` from the history, delivers them, then what waited. */
  private fill(
    room: string,
    last: MessagePlace,
    next: MessagePlace,
    message: RoomMessage,
  ) {
    trace.deliver(
      "room %s: messages %d to %d missed here: read from the history",
      room,
      last.sequence + 1,
      next.sequence - 1,
    );
    const waiting = [message];
    this.waiting.set(room, waiting);
    this.parts.history
      .read(room, { since: `${last.epoch}:${last.sequence}` })
      .then(
        (page) => page.messages,
        (error: unknown) => {
          this.parts.log(
            `could not read the messages of room "${room}" this node missed`,
            "warning",
            { error: String(error) },
          );
          return [];
        },
      )
      .then((payloads) => {
        // Left meanwhile (`forget`): nothing of this fill is delivered.
        if (this.waiting.get(room) !== waiting) return;
        this.waiting.delete(room);
        const missed = payloads.map(RoomMessage.fromPayload).filter((found) => {
          const place = parseMessageId(found.historyId);
          return place?.epoch === next.epoch && place.sequence < next.sequence;
        });
        for (const found of missed) this.parts.deliver(room, found);
        // The message that showed the gap comes next: it must not be taken for a repeat.
        this.last.set(room, {
          place: { epoch: next.epoch, sequence: next.sequence - 1 },
          json: "",
        });
        for (const held of waiting)
          if (this.admit(room, held)) this.parts.deliver(room, held);
      })
      .catch((error: unknown) =>
        this.parts.log(
          `could not deliver the messages of room "${room}" this node missed`,
          "warning",
          { error: String(error) },
        ),
      );
  }
}
