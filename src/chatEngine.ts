import { withCallback, type NodeCallback } from "./callback";
import type { ClusterReport } from "./admin/clusterReport";
import type { NodeReport } from "./admin/nodeReport";
import { adminRoomMembers, type AdminRoomMembers } from "./admin/roomMembers";
import {
  buildChatParts,
  type ChatEngineOptions,
  type ChatHooks,
  type ChatParts,
} from "./chatParts";
import { chatErrors } from "./errors";
import { countRefusal } from "./observability/countRefusal";
import type { ChatKeys } from "./keys";
import type { ChatMiddleware } from "./middleware";
import type { NodeWriteBudget } from "./nodeWriteBudget";
import type { ChatObserver } from "./observability/chatObserver";
import type { RoomPresenceStatus } from "./presence";
import type { HistoryPage, HistoryQuery } from "./roomHistory";
import type {
  ChatConnection,
  MaybePromise,
  MemberDetails,
  MessageEnvelope,
  MessagePayload,
  RoomStatus,
  Sender,
} from "./types";
import { assertRoomName } from "./validation";

export type { ChatEngineOptions };

/**
 * The chat of one node: the seed's `api.chatRoom`. Rooms and members live in Redis; messages travel by
 * pub/sub to the nodes that have members in the room; each node delivers to its own members.
 * Methods are bound, so they may be passed around; the hooks may be replaced by assignment.
 */
export class ChatEngine implements ChatHooks {
  readonly keys: ChatKeys;
  /** This node process's own identity in Redis: new at every start, even when actionhero's `id` repeats. */
  readonly nodeId: string;
  /** What the engine tells of its work (the metrics, when they are on). */
  readonly observer: ChatObserver;
  /** The bound on what this node's connections hold unsent together; servers count their own answers in it. */
  readonly writeBudget: NodeWriteBudget;
  private readonly parts: ChatParts;

  constructor(private readonly options: ChatEngineOptions) {
    this.parts = buildChatParts(options, this);
    this.nodeId = this.parts.nodeId;
    this.keys = this.parts.keys;
    this.observer = this.parts.observer;
    this.writeBudget = this.parts.writeBudget;
    this.parts.cluster.listen();
  }

  async start() {
    const { pubSub, delivery, control, supervisor } = this.parts;
    await pubSub.start({
      onRoomMessage: (room, json) => delivery.receive(room, json),
      onControlMessage: (json) => void control.receive(json),
    });
    await supervisor.start();
  }

  /** Takes this node's connections out of their rooms and stops listening. */
  async stop() {
    const { index, membership, supervisor, control, pubSub } = this.parts;
    const { availability, liveness } = this.parts;
    await Promise.all(
      index.connections().map((connection) => membership.leaveAll(connection)),
    );
    supervisor.stop();
    control.close();
    await pubSub.stop(index.roomNames());
    if (availability.available && !this.parts.restore.needed)
      await liveness.deregister();
    else
      this.options.log(
        "stopped without Redis being told of every leave: the other nodes reap this node's members once its liveness expires",
        "warning",
      );
    availability.stop();
  }

  // ---- overridable hooks ----

  /** What is stored per member. Replace it to store more of the connection. */
  generateMemberDetails: (
    connection: ChatConnection,
  ) => MaybePromise<MemberDetails> = (connection) => ({
    id: connection.id,
    host: this.options.serverId,
    joinedAt: Date.now(),
  });

  /** What `roomStatus` shows per member (`id` is always added). */
  sanitizeMemberDetails: (
    memberData: MemberDetails,
  ) => MaybePromise<Record<string, unknown>> = (memberData) => ({
    joinedAt: memberData.joinedAt,
  });

  /** Who a member is, for presence: many connections with one key are one presence. Default: the connection id. */
  presenceKey: (memberDetails: MemberDetails) => MaybePromise<string> = (
    memberDetails,
  ) => memberDetails.id;

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
      countRefusal(
        this.observer,
        "say",
        this.forRoom(room, () =>
          this.parts.publisher.publish(sender ?? {}, room, message),
        ),
      ),
      callback,
    );

  /** 1 if it created the room, 0 if it already existed. */
  add = (room: string, callback?: NodeCallback<number>) =>
    withCallback(
      this.forRoom(room, () =>
        this.parts.availability.guard(() => this.parts.store.add(room)),
      ),
      callback,
    );

  /** Removes the room and its members on every node; leave middleware runs and members are told. */
  destroy = (room: string, callback?: NodeCallback<void>) =>
    withCallback(
      this.forRoom(room, () => this.parts.cluster.destroy(room)),
      callback,
    );

  exists = (room: string, callback?: NodeCallback<boolean>) =>
    withCallback(
      this.forRoom(room, () => this.parts.store.exists(room)),
      callback,
    );

  /** Every room's name. */
  list = (callback?: NodeCallback<string[]>) =>
    withCallback(this.parts.store.list(), callback);

  roomStatus = (room: string, callback?: NodeCallback<RoomStatus>) =>
    withCallback(
      this.forRoom(room, () => this.status(room)),
      callback,
    );

  /** Who is in the room, each presence key once, the same on every node. */
  presence = (room: string, callback?: NodeCallback<RoomPresenceStatus>) =>
    withCallback(
      this.forRoom(room, async () => {
        const { availability, presence } = this.parts;
        const status = await availability.guard(() => presence.status(room));
        if (!status) throw chatErrors.roomNotFound(room);
        return status;
      }),
      callback,
    );

  /** The room's recent messages (oldest first): a page forward after `since`, or the newest. */
  history = (
    room: string,
    query: HistoryQuery = {},
    callback?: NodeCallback<HistoryPage>,
  ) =>
    withCallback(
      this.forRoom(room, async () => {
        const { history, availability, store } = this.parts;
        if (!history.enabled) throw chatErrors.historyOff(room);
        return availability.guard(async () => {
          if (!(await store.exists(room))) throw chatErrors.roomNotFound(room);
          this.observer.historyRead();
          return history.read(room, query);
        });
      }),
      callback,
    );

  /** True if added, false if already a member. The connection may be on any node. */
  addMember = (
    connectionId: string,
    room: string,
    callback?: NodeCallback<boolean>,
  ) =>
    withCallback(
      countRefusal(
        this.observer,
        "join",
        this.forRoom(room, () =>
          this.parts.cluster.addMember(String(connectionId), room),
        ),
      ),
      callback,
    );

  /** True if removed, false if it was not a member. The connection may be on any node. */
  removeMember = (
    connectionId: string,
    room: string,
    callback?: NodeCallback<boolean>,
  ) =>
    withCallback(
      this.forRoom(room, () =>
        this.parts.cluster.removeMember(String(connectionId), room),
      ),
      callback,
    );

  addMiddleware = (middleware: ChatMiddleware) =>
    this.parts.middleware.add(middleware);
  removeMiddleware = (name: string) => this.parts.middleware.remove(name);
  /** The middleware in the order it runs. */
  listMiddleware = () => this.parts.middleware.list();

  /** Takes a connection of this node out of all its rooms, as when it closes. */
  leaveAllRooms = (connection: ChatConnection) =>
    this.parts.membership.leaveAll(connection);

  /**
   * The joins and leaves a connection asks for itself (the chat verbs). With `since`, the id of the last
   * message it has, the connection is also sent what it missed: `{recovered}` tells whether all of it.
   */
  joinRoom = (
    connection: ChatConnection,
    room: string,
    since?: string,
  ): Promise<boolean | { recovered: boolean }> =>
    countRefusal(
      this.observer,
      "join",
      this.forRoom<boolean | { recovered: boolean }>(room, async () => {
        const { membership } = this.parts;
        if (since === undefined) return membership.join(connection, room);
        const joined = await membership.joinAndCatchUp(connection, room, since);
        this.observer.historyRecovery(joined.recovered);
        return joined;
      }),
    );

  leaveRoom = (connection: ChatConnection, room: string) =>
    this.forRoom(room, () => this.parts.membership.leave(connection, room));

  /** `roomStatus` for a member only. */
  viewRoom = (connection: ChatConnection, room: string) =>
    this.forRoom(room, () => {
      if (!connection.rooms.includes(room))
        throw chatErrors.notAMember(connection.id, room);
      return this.status(room);
    });

  // ---- the node's state, for metrics, health and the admin page ----

  /** Whether chat on this node answers: every Redis connection ready and no recovery pending. */
  get available() {
    return this.parts.availability.available;
  }

  /** Why chat on this node is unavailable, or null while it is available. */
  unavailableReason(): string | null {
    return this.parts.availability.unavailableReason();
  }

  /** The rooms this node holds members in, and its connections' memberships of them. */
  localMembership() {
    const { index } = this.parts;
    let memberships = 0;
    const rooms = index.roomNames();
    for (const room of rooms) memberships += index.members(room)?.size ?? 0;
    return { rooms: rooms.length, memberships };
  }

  /** The live nodes of the application, this one included (read from Redis). */
  async liveNodeCount() {
    const { alive } = await this.parts.liveness.otherNodes();
    return alive.size + 1;
  }

  /** What this node reports of itself to the admin page. */
  nodeReport = (): NodeReport => this.parts.cluster.nodeReport();

  /** Every live node's report (this one's read locally), and the rooms added up over them. */
  clusterReport = (): Promise<ClusterReport> =>
    this.parts.cluster.clusterReport();

  /** A room's members with everything stored of them and the node holding each. */
  roomMembers = (room: string): Promise<AdminRoomMembers> =>
    this.forRoom(room, () =>
      this.parts.availability.guard(async () => {
        const { store } = this.parts;
        const [stored, holders] = await Promise.all([
          store.members(room),
          store.holders(room),
        ]);
        if (!stored) throw chatErrors.roomNotFound(room);
        return adminRoomMembers(room, stored, holders);
      }),
    );

  // ---- internals ----

  /** Runs the work once the room name is known to be valid; a bad name rejects, never throws. */
  private async forRoom<T>(room: unknown, work: () => Promise<T>): Promise<T> {
    assertRoomName(room, this.options.config.maxRoomNameLength);
    return work();
  }

  private async status(room: string): Promise<RoomStatus> {
    const stored = await this.parts.availability.guard(() =>
      this.parts.store.members(room),
    );
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
}
