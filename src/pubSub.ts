import type { Redis } from "ioredis";
import type { ChatKeys } from "./keys";

export interface PubSubHandlers {
  onRoomMessage(room: string, json: string): void;
  onControlMessage(json: string): void;
}

/**
 * The node's pub/sub: one channel per room, subscribed to only while this node has members in the room,
 * and one control channel between nodes. Commands on one connection run in order, so a subscribe sent
 * after an unsubscribe of the same room leaves it subscribed.
 */
export class ChatPubSub {
  private listening = false;

  constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    private readonly keys: ChatKeys,
    private readonly handlers: PubSubHandlers,
  ) {}

  private readonly onMessage = (channel: string, json: string) => {
    if (channel === this.keys.controlChannel)
      return this.handlers.onControlMessage(json);
    const room = this.keys.roomOfChannel(channel);
    if (room !== null) this.handlers.onRoomMessage(room, json);
  };

  async start() {
    if (!this.listening) this.subscriber.on("message", this.onMessage);
    this.listening = true;
    await this.subscriber.subscribe(this.keys.controlChannel);
  }

  async stop(rooms: readonly string[]) {
    const channels = rooms.map((room) => this.keys.roomChannel(room));
    await this.subscriber.unsubscribe(this.keys.controlChannel, ...channels);
    this.subscriber.off("message", this.onMessage);
    this.listening = false;
  }

  async subscribeRoom(room: string) {
    await this.subscriber.subscribe(this.keys.roomChannel(room));
  }

  async unsubscribeRoom(room: string) {
    await this.subscriber.unsubscribe(this.keys.roomChannel(room));
  }

  publishRoom(room: string, json: string) {
    return this.publisher.publish(this.keys.roomChannel(room), json);
  }

  publishControl(json: string) {
    return this.publisher.publish(this.keys.controlChannel, json);
  }
}
