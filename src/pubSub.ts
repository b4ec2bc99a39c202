import type { ChatKeys } from "./keys";
import {
  corkCommandsForThisTurn,
  isCluster,
  type RedisConnection,
} from "./redisConnection";

export interface PubSubHandlers {
  onRoomMessage(room: string, json: string): void;
  /** A message on the control channel or this node's inbox. */
  onControlMessage(json: string): void;
}

/**
 * The node's pub/sub: one channel per room, subscribed to only while this node has members in the room,
 * the control channel between nodes, and this node's inbox. Commands on one connection run in order, so
 * a subscribe sent after an unsubscribe of the same room leaves it subscribed.
 *
 * On a Redis Cluster the channels are sharded (`SSUBSCRIBE` / `SPUBLISH`): a room's messages go only
 * through the master of the room's hash slot, and its channel shares the slot of the room's keys.
 */
export class ChatPubSub {
  private listening = false;
  private readonly controlChannels: string[];
  /** Room subscriptions sent and not yet confirmed. */
  private readonly subscribing = new Map<string, Promise<unknown>>();
  /** Whether channels are sharded: the event messages arrive as. */
  private readonly messageEvent: "message" | "smessage";
  /** Set by `start`, before anything is subscribed. */
  private handlers: PubSubHandlers = {
    onRoomMessage: () => undefined,
    onControlMessage: () => undefined,
  };

  constructor(
    private readonly publisher: RedisConnection,
    private readonly subscriber: RedisConnection,
    private readonly keys: ChatKeys,
    nodeId: string,
  ) {
    this.controlChannels = [keys.controlChannel, keys.nodeInbox(nodeId)];
    this.messageEvent = isCluster(subscriber) ? "smessage" : "message";
  }

  private readonly onMessage = (channel: string, json: string) => {
    const room = this.keys.roomOfChannel(channel);
    if (room !== null) return this.handlers.onRoomMessage(room, json);
    if (this.controlChannels.includes(channel))
      this.handlers.onControlMessage(json);
  };

  /** Starts listening: room messages and control messages go to their handlers from now on. */
  async start(handlers: PubSubHandlers) {
    this.handlers = handlers;
    if (!this.listening) this.subscriber.on(this.messageEvent, this.onMessage);
    this.listening = true;
    await this.subscribe(this.controlChannels);
  }

  /** Subscribes again to everything this node listens to, as after Redis came back. */
  async resubscribe(rooms: readonly string[]) {
    await this.subscribe([
      ...this.controlChannels,
      ...rooms.map((room) => this.keys.roomChannel(room)),
    ]);
  }

  async stop(rooms: readonly string[]) {
    const channels = rooms.map((room) => this.keys.roomChannel(room));
    await this.unsubscribe([...this.controlChannels, ...channels]);
    this.subscriber.off(this.messageEvent, this.onMessage);
    this.listening = false;
  }

  subscribeRoom(room: string): Promise<unknown> {
    const subscribing = this.subscribe([this.keys.roomChannel(room)]).finally(
      () => {
        if (this.subscribing.get(room) === subscribing)
          this.subscribing.delete(room);
      },
    );
    this.subscribing.set(room, subscribing);
    return subscribing;
  }

  /** Settles once a room's subscription, if one is on its way, is confirmed. */
  subscribed(room: string): Promise<unknown> {
    return this.subscribing.get(room) ?? Promise.resolve();
  }

  async unsubscribeRoom(room: string) {
    await this.unsubscribe([this.keys.roomChannel(room)]);
  }

  publishRoom(room: string, json: string) {
    return this.publish(this.keys.roomChannel(room), json);
  }

  publishControl(channel: string, json: string) {
    return this.publish(channel, json);
  }

  private publish(channel: string, json: string) {
    if (isCluster(this.publisher))
      return this.publisher.spublish(channel, json);
    corkCommandsForThisTurn(this.publisher);
    return this.publisher.publish(channel, json);
  }

  // A sharded subscribe names the channels of one hash slot only, so each channel goes alone.
  private async subscribe(channels: string[]) {
    if (!isCluster(this.subscriber))
      return void (await this.subscriber.subscribe(...channels));
    const { subscriber } = this;
    await Promise.all(
      channels.map((channel) => subscriber.ssubscribe(channel)),
    );
  }

  private async unsubscribe(channels: string[]) {
    if (!isCluster(this.subscriber))
      return void (await this.subscriber.unsubscribe(...channels));
    const { subscriber } = this;
    await Promise.all(
      channels.map((channel) => subscriber.sunsubscribe(channel)),
    );
  }
}
