import type { Redis } from "ioredis";
import type { ChatKeys } from "./keys";

export interface PubSubHandlers {
  onRoomMessage(room: string, json: string): void;
  /** A message on the control channel or this node's inbox. */
  onControlMessage(json: string): void;
}

/**
 * The node's pub/sub: one channel per room, subscribed to only while this node has members in the room,
 * the control channel between nodes, and this node's inbox. Commands on one connection run in order, so
 * a subscribe sent after an unsubscribe of the same room leaves it subscribed.
 */
export class ChatPubSub {
  private listening = false;
  private readonly controlChannels: string[];
  /** Room subscriptions sent and not yet confirmed. */
  private readonly subscribing = new Map<string, Promise<unknown>>();

  constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    private readonly keys: ChatKeys,
    nodeId: string,
    private readonly handlers: PubSubHandlers,
  ) {
    this.controlChannels = [keys.controlChannel, keys.nodeInbox(nodeId)];
  }

  private readonly onMessage = (channel: string, json: string) => {
    const room = this.keys.roomOfChannel(channel);
    if (room !== null) return this.handlers.onRoomMessage(room, json);
    if (this.controlChannels.includes(channel))
      this.handlers.onControlMessage(json);
  };

  async start() {
    if (!this.listening) this.subscriber.on("message", this.onMessage);
    this.listening = true;
    await this.subscriber.subscribe(...this.controlChannels);
  }

  /** Subscribes again to everything this node listens to, as after Redis came back. */
  async resubscribe(rooms: readonly string[]) {
    await this.subscriber.subscribe(
      ...this.controlChannels,
      ...rooms.map((room) => this.keys.roomChannel(room)),
    );
  }

  async stop(rooms: readonly string[]) {
    const channels = rooms.map((room) => this.keys.roomChannel(room));
    await this.subscriber.unsubscribe(...this.controlChannels, ...channels);
    this.subscriber.off("message", this.onMessage);
    this.listening = false;
  }

  subscribeRoom(room: string): Promise<unknown> {
    const subscribing = this.subscriber
      .subscribe(this.keys.roomChannel(room))
      .finally(() => {
        if (this.subscribing.get(room) === subscribing)
          this.subscribing.delete(room);
      });
    this.subscribing.set(room, subscribing);
    return subscribing;
  }

  /** Settles once a room's subscription, if one is on its way, is confirmed. */
  subscribed(room: string): Promise<unknown> {
    return this.subscribing.get(room) ?? Promise.resolve();
  }

  async unsubscribeRoom(room: string) {
    await this.subscriber.unsubscribe(this.keys.roomChannel(room));
  }

  publishRoom(room: string, json: string) {
    return this.publisher.publish(this.keys.roomChannel(room), json);
  }

  publishControl(channel: string, json: string) {
    return this.publisher.publish(channel, json);
  }
}
