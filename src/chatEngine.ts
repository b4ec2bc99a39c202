import type { Redis } from "ioredis";
import { withCallback, type NodeCallback } from "./callback";
import { ControlChannel, notForThisNode } from "./controlChannel";
import { chatErrors } from "./errors";
import { ChatKeys } from "./keys";
import { LocalRoomIndex } from "./localRoomIndex";
import { Membership } from "./membership";
import { ChatMiddlewareStack, type ChatMiddleware } from "./middleware";
import { ChatPubSub } from "./pubSub";
import { RoomDelivery } from "./roomDelivery";
import { sendPayload, type DeliverMessage } from "./roomMessage";
import { RoomStore } from "./roomStore";
import type {
  ChatConnection,
  ChatLogger,
  ConnectionDirectory,
  MaybePromise,
  MemberDetails,
  MessageEnvelope,
  MessagePayload,
  RoomStatus,
  Sender,
} from "./types";
import { assertMessage, assertRoomName } from "./validation";

export interface ChatEngineOptions {
  /** This node's id (actionhero's `id`), stored with each member as `host`. */
  nodeId: string;
  /** Control messages between nodes carry it; others are ignored. */
  serverToken: string;
  keyPrefix: string;
  maxRoomNameLength: number;
  maxMessageLength: number;
  rpcTimeout: number;
  defaultMiddlewarePriority: number;
  /** `client` stores rooms and members; `publisher` and `subscriber` carry messages (they may be another server). */
  redis: { client: Redis; publisher: Redis; subscriber: Redis };
  connections: ConnectionDirectory;
  deliver?: DeliverMessage;
  log: ChatLogger;
}

/**
 * The chat of one node: the seed's `api.chatRoom`. Rooms and members live in Redis; messages travel by
 * pub/sub to the nodes that have members in the room; each node delivers to its own members.
 * Methods are bound, so they may be passed around; the three hooks may be replaced by assignment.
 */
export class ChatEngine {
  readonly keys: ChatKeys;
  private readonly store: RoomStore;
  private readonly index = new LocalRoomIndex();
  private readonly middleware: ChatMiddlewareStack;
  private readonly pubSub: ChatPubSub;
  private readonly control: ControlChannel;
  private readonly membership: Membership;
  private readonly delivery: RoomDelivery;

  constructor(private readonly options: ChatEngineOptions) {
    this.keys = new ChatKeys(options.keyPrefix);
    this.store = new RoomStore(options.redis.client, this.keys);
    this.middleware = new ChatMiddlewareStack(
      options.defaultMiddlewarePriority,
    );
    this.delivery = new RoomDelivery(
      this.index,
      this.middleware,
      options.deliver ?? sendPayload,
      options.log,
    );
    this.pubSub = new ChatPubSub(
      options.redis.publisher,
      options.redis.subscriber,
      this.keys,
      {
        onRoomMessage: (room, json) => this.delivery.receive(room, json),
        onControlMessage: (json) => void this.control.receive(json),
      },
    );
    this.control = new ControlChannel(
      (json) => this.pubSub.publishControl(json),
      options.nodeId,
      options.serverToken,
      options.rpcTimeout,
      options.log,
    );
    this.membership = new Membership({
      store: this.store,
      index: this.index,
      middleware: this.middleware,
      pubSub: this.pubSub,
      log: options.log,
      memberDetails: (connection) => this.generateMemberDetails(connection),
      notifyDestroyed: (connection, room) =>
        this.notifyDestroyed(connection, room),
    });
    this.listenToOtherNodes();
  }

  async start() {
    await this.pubSub.start();
  }

  /** Takes this node's connections out of their rooms and stops listening. */
  async stop() {
    const connections = new Set<ChatConnection>();
    for (const room of this.index.roomNames()) {
      for (const connection of this.index.members(room) ?? [])
        connections.add(connection);
    }
    await Promise.all(
      [...connections].map((connection) =>
        this.membership.leaveAll(connection),
      ),
    );
    this.control.close();
    await this.pubSub.stop(this.index.roomNames());
  }

  // ---- overridable hooks ----

  /** What is stored per member. Replace it to store more of the connection. */
  generateMemberDetails: (
    connection: ChatConnection,
  ) => MaybePromise<MemberDetails> = (connection) => ({
    id: connection.id,
    host: this.options.nodeId,
    joinedAt: Date.now(),
  });

  /** What `roomStatus` shows per member (`id` is always added). */
  sanitizeMemberDetails: (
    memberData: MemberDetails,
  ) => MaybePromise<Record<string, unknown>> = (memberData) => ({
    joinedAt: memberData.joinedAt,
  });

  /** How a message is shaped for delivery. */
  generateMessagePayload: (envelope: MessageEnvelope) => MessagePayload = (
    envelope,
  ) => ({
    message: envelope.message,
    room: envelope.connection.room,
    from: envelope.connection.id,
    context: "user",
    sentAt: envelope.sentAt,
  });

  // ---- the API ----

  /** Publishes a message to every member of the room on every node. */
  broadcast = (
    sender: Sender,
    room: string,
    message: unknown,
    callback?: NodeCallback<void>,
  ) =>
    withCallback(
      this.forRoom(room, () => this.publish(sender ?? {}, room, message)),
      callback,
    );

  /** 1 if it created the room, 0 if it already existed. */
  add = (room: string, callback?: NodeCallback<number>) =>
    withCallback(
      this.forRoom(room, () => this.store.add(room)),
      callback,
    );

  /** Removes the room and its members on every node; leave middleware runs and members are told. */
  destroy = (room: string, callback?: NodeCallback<void>) =>
    withCallback(
      this.forRoom(room, () => this.destroyRoom(room)),
      callback,
    );

  exists = (room: string, callback?: NodeCallback<boolean>) =>
    withCallback(
      this.forRoom(room, () => this.store.exists(room)),
      callback,
    );

  /** Every room's name. */
  list = (callback?: NodeCallback<string[]>) =>
    withCallback(this.store.list(), callback);

  roomStatus = (room: string, callback?: NodeCallback<RoomStatus>) =>
    withCallback(
      this.forRoom(room, () => this.status(room)),
      callback,
    );

  /** True if added, false if already a member. The connection may be on any node. */
  addMember = (
    connectionId: string,
    room: string,
    callback?: NodeCallback<boolean>,
  ) =>
    withCallback(
      this.forRoom(room, () => this.addAnywhere(String(connectionId), room)),
      callback,
    );

  /** True if removed, false if it was not a member. The connection may be on any node. */
  removeMember = (
    connectionId: string,
    room: string,
    callback?: NodeCallback<boolean>,
  ) =>
    withCallback(
      this.forRoom(room, () => this.removeAnywhere(String(connectionId), room)),
      callback,
    );

  addMiddleware = (middleware: ChatMiddleware) =>
    this.middleware.add(middleware);
  removeMiddleware = (name: string) => this.middleware.remove(name);
  /** The middleware in the order it runs. */
  listMiddleware = () => this.middleware.list();

  /** Takes a connection of this node out of all its rooms, as when it closes. */
  leaveAllRooms = (connection: ChatConnection) =>
    this.membership.leaveAll(connection);

  /** The joins and leaves a connection asks for itself (the chat verbs). */
  joinRoom = (connection: ChatConnection, room: string) =>
    this.forRoom(room, () => this.membership.join(connection, room));

  leaveRoom = (connection: ChatConnection, room: string) =>
    this.forRoom(room, () => this.membership.leave(connection, room));

  /** `roomStatus` for a member only. */
  viewRoom = (connection: ChatConnection, room: string) =>
    this.forRoom(room, () => {
      if (!connection.rooms.includes(room))
        throw chatErrors.notAMember(connection.id, room);
      return this.status(room);
    });

  // ---- internals ----

  /** Runs the work once the room name is known to be valid; a bad name rejects, never throws. */
  private async forRoom<T>(room: unknown, work: () => Promise<T>): Promise<T> {
    assertRoomName(room, this.options.maxRoomNameLength);
    return work();
  }

  private async publish(
    sender: Exclude<Sender, null | undefined>,
    room: string,
    message: unknown,
  ) {
    assertMessage(room, message, this.options.maxMessageLength);
    const from =
      sender.id === undefined || sender.id === null ? "0" : String(sender.id);
    if (Array.isArray(sender.rooms) && !sender.rooms.includes(room))
      throw chatErrors.notAMember(from, room);

    const payload = this.generateMessagePayload({
      message,
      sentAt: Date.now(),
      serverId: this.options.nodeId,
      connection: { id: from, room },
    });
    const accepted = await this.middleware.runMessage(
      "onSayReceive",
      sender,
      room,
      payload,
    );
    if (accepted === null) return;
    await this.pubSub.publishRoom(room, JSON.stringify(accepted));
  }

  private async destroyRoom(room: string) {
    const { existed, memberIds } = await this.store.destroy(room);
    if (!existed && memberIds.length === 0) throw chatErrors.roomNotFound(room);
    await this.membership.dropDestroyed(room, memberIds);
    if (memberIds.length > 0)
      await this.control.notify("roomDestroyed", { room, memberIds });
  }

  private async status(room: string): Promise<RoomStatus> {
    const stored = await this.store.members(room);
    if (!stored) throw chatErrors.roomNotFound(room);
    const members: RoomStatus["members"] = {};
    for (const [id, json] of Object.entries(stored)) {
      const details = JSON.parse(json) as MemberDetails;
      members[id] = {
        ...(await this.sanitizeMemberDetails({ ...details, id })),
        id,
      };
    }
    return { room, membersCount: Object.keys(members).length, members };
  }

  private async addAnywhere(connectionId: string, room: string) {
    const local = this.options.connections.get(connectionId);
    if (local) return this.membership.join(local, room);
    return (await this.control.request(
      "addMember",
      { connectionId, room },
      () => chatErrors.connectionNotFound(connectionId),
    )) as boolean;
  }

  private async removeAnywhere(connectionId: string, room: string) {
    const local = this.options.connections.get(connectionId);
    if (local) return this.membership.leave(local, room);
    if (!(await this.store.isMember(room, connectionId))) return false;
    try {
      return (await this.control.request(
        "removeMember",
        { connectionId, room },
        () => chatErrors.connectionNotFound(connectionId),
      )) as boolean;
    } catch (error) {
      if ((error as { code?: string }).code !== "CONNECTION_NOT_FOUND")
        throw error;
      // No node holds the connection any more: what is stored is a ghost, so remove it here.
      this.options.log(
        `removed member "${connectionId}" of room "${room}", whose node did not answer`,
        "warning",
      );
      return this.store.leave(room, connectionId);
    }
  }

  private listenToOtherNodes() {
    const localConnection = (body: Record<string, unknown>) =>
      this.options.connections.get(String(body.connectionId));
    this.control.on("addMember", (body) => {
      const connection = localConnection(body);
      return connection
        ? this.membership.join(connection, String(body.room))
        : notForThisNode;
    });
    this.control.on("removeMember", (body) => {
      const connection = localConnection(body);
      return connection
        ? this.membership.leave(connection, String(body.room))
        : notForThisNode;
    });
    this.control.on("roomDestroyed", (body) =>
      this.membership.dropDestroyed(
        String(body.room),
        body.memberIds as string[],
      ),
    );
  }

  private notifyDestroyed(connection: ChatConnection, room: string) {
    this.delivery.sendPayload(connection, {
      message: `room "${room}" was destroyed`,
      room,
      from: "0",
      context: "user",
      sentAt: Date.now(),
    });
  }
}
