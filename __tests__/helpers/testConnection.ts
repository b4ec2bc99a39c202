import { EventEmitter } from "events";
import type { ChatConnection, MessagePayload } from "../../src";

type Message = MessagePayload | Record<string, unknown>;

/** Waits for a message matching the predicate among those already received and those to come. */
export function waitForMessage<M extends Message>(
  received: M[],
  events: EventEmitter,
  predicate: (message: M) => boolean,
  description = "a matching message",
  timeout = 5000,
): Promise<M> {
  const found = received.find(predicate);
  if (found) return Promise.resolve(found);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      events.off("message", listener);
      reject(
        new Error(
          `timed out waiting for ${description}; received ${JSON.stringify(received)}`,
        ),
      );
    }, timeout);
    const listener = (message: M) => {
      if (!predicate(message)) return;
      clearTimeout(timer);
      events.off("message", listener);
      resolve(message);
    };
    events.on("message", listener);
  });
}

/** Is this the chat message with this text (any JSON value) in this room? */
export function isRoomMessage(
  message: Record<string, unknown>,
  room: string,
  text: unknown,
) {
  return (
    message.context === "user" &&
    message.room === room &&
    JSON.stringify(message.message) === JSON.stringify(text)
  );
}

/** A connection of the engine tests: it records what it is sent. */
export class TestConnection extends EventEmitter implements ChatConnection {
  rooms: string[] = [];
  canChat = true;
  destroyed = false;
  type = "test";
  readonly messages: Message[] = [];

  constructor(readonly id: string) {
    super();
  }

  /** Closes the connection, as the engine does to one that floods. */
  destroy() {
    this.destroyed = true;
    this.emit("destroyed");
  }

  sendMessage(message: Message) {
    this.messages.push(message);
    this.emit("message", message);
  }

  waitFor(predicate: (message: Message) => boolean, description?: string) {
    return waitForMessage(this.messages, this, predicate, description);
  }

  /** The next chat message in a room with this text. */
  hears(room: string, text: unknown) {
    return this.waitFor(
      (message) => isRoomMessage(message, room, text),
      `"${JSON.stringify(text)}" in room "${room}"`,
    );
  }

  heard(room: string, text: unknown) {
    return this.messages.some((message) => isRoomMessage(message, room, text));
  }
}
