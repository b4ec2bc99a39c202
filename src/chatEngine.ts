import { randomBytes } from "crypto";
import type { RedisConnection } from "./redisConnection";
import { ChatAvailability } from "./availability";
import { withCallback, type NodeCallback } from "./callback";
import { clusterReport, type ClusterReport } from "./admin/clusterReport";
import { reportNode, type NodeReport } from "./admin/nodeReport";
import { adminRoomMembers, type AdminRoomMembers } from "./admin/roomMembers";
import { RoomTraffic } from "./admin/roomTraffic";
import { ControlChannel, notForThisNode } from "./controlChannel";
import { ChatError, chatErrors } from "./errors";
import { ChatKeys } from "./keys";
import { LocalRoomIndex } from "./localRoomIndex";
import { Membership } from "./membership";
import { ChatMiddlewareStack, type ChatMiddleware } from "./middleware";
import { NodeLiveness } from "./nodeLiveness";
import { NodeSupervisor, nodeReadyNotice } from "./nodeSupervisor";
import {
  silentObserver,
  type ChatObserver,
  type RefusedRequest,
} from "./observability/chatObserver";
import { trace } from "./observability/trace";
import { ChatPubSub } from "./pubSub";
import { Reaper } from "./reaper";
import { SayRateLimiter } from "./sayRateLimiter";
import type { ChatConfig } from "./config";
import { RoomDelivery } from "./roomDelivery";
import { sendPayload, type DeliverMessage } from "./roomMessage";
import { removalPayload, type RemovalNotice } from "./roomNotice";
import { RoomStore } from "./roomStore";
import { RoomPresence, type RoomPresenceStatus } from "./presence";
import {
  RoomHistory,
  type HistoryConfig,
  type HistoryPage,
  type HistoryQuery,
} from "./roomHistory";
import { defineChatScripts } from "./scripts/chatScripts";
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

/** The control message that asks a node for its admin page report. */
const adminReportRequest = "adminReport";

/** The limits the engine enforces itself (the servers enforce the others). */
export type ChatEngineLimits = Pick<
  ChatConfig,
  "maxSaysPerSecond" | "sayBurst" | "maxRoomsPerConnection" | "maxRoomQueue"
>;

export interface ChatEngineOptions extends ChatEngineLimits {
  /** Actionhero's `id` of this node, stored with each member as `host` by default. */
  serverId: string;
  /** Control messages between nodes carry it; others are ignored. */
  serverToken: string;
  keyPrefix: string;
  maxRoomNameLength: number;
  maxMessageLength: number;
  rpcTimeout: number;
  /** ms after its last liveness refresh that a node is dead and its members are reaped. */
  nodeTimeout: number;
  defaultMiddlewarePriority: number;
  /** Members are sent `{context: "presence"}` events when a presence key joins or leaves a room. */
  presenceEvents: boolean;
  /** Each room's recent messages, for `history` and `roomAdd room since`; `size` 0 is off. */
  history: HistoryConfig;
  /** `client` stores rooms and members; `publisher` and `subscriber` carry messages (they may be another server). */
  redis: {
    client: RedisConnection;
    publisher: RedisConnection;
    subscriber: RedisConnection;
  };
  connections: ConnectionDirectory;
  deliver?: DeliverMessage;
  log: ChatLogger;
  /** Told of the node's work as it happens, for metrics; by default nobody. */
  observer?: ChatObserver;
}

/**
 * The chat of one node: the seed's `api.chatRoom`. Rooms and members live in Redis; messages travel by
 * pub/sub to the nodes that have members in the room; each node delivers to its own members.
 * Methods are bound, so they may be passed around; the three hooks may be replaced by assignment.
 */
export class ChatEngine {
  readonly keys: ChatKeys;
  /** This node process's own identity in Redis: new at every start, even when actionhero's `id` repeats. */
  readonly nodeId: string;
  /** What the engine tells of its work (the metrics, when they are on). */
  readonly observer: ChatObserver;
  private readonly store: RoomStore;
  private readonly index = new LocalRoomIndex();
  private readonly middleware: ChatMiddlewareStack;
  private readonly pubSub: ChatPubSub;
  private readonly control: ControlChannel;
  private readonly membership: Membership;
  private readonly delivery: RoomDelivery;
  private readonly liveness: NodeLiveness;
  private readonly availability: ChatAvailability;
  private readonly reaper: Reaper;
  private readonly supervisor: NodeSupervisor;
  private readonly sayRate: SayRateLimiter;
  private readonly roomPresence: RoomPresence;
  private readonly roomHistory: RoomHistory;
  /** Messages published per room in the last minute, for the admin page. */
  private readonly traffic = new RoomTraffic();

  constructor(private readonly options: ChatEngineOptions) {
    const { redis, log } = options;
    this.nodeId = `${options.serverId}#${randomBytes(4).toString("hex")}`;
    this.keys = new ChatKeys(options.keyPrefix);
    this.observer = options.observer ?? silentObserver;
    this.store = new RoomStore(redis.client, this.keys);
    this.liveness = new NodeLiveness(
      redis.client,
      this.keys,
      this.nodeId,
      options.nodeTimeout,
    );
    this.middleware = new ChatMiddlewareStack(
      options.defaultMiddlewarePriority,
    );
    this.delivery = new RoomDelivery(
      this.index,
      this.middleware,
      options.deliver ?? sendPayload,
      options.maxRoomQueue,
      options.log,
      this.observer,
    );
    this.sayRate = new SayRateLimiter(
      options.maxSaysPerSecond,
      options.sayBurst,
    );
    this.pubSub = new ChatPubSub(
      redis.publisher,
      redis.subscriber,
      this.keys,
      this.nodeId,
      {
        onRoomMessage: (room, json) => this.delivery.receive(room, json),
        onControlMessage: (json) => void this.control.receive(json),
      },
    );
    this.control = new ControlChannel(
      (channel, json) => this.pubSub.publishControl(channel, json),
      this.keys,
      this.nodeId,
      options.serverToken,
      options.rpcTimeout,
      log,
    );
    this.roomPresence = new RoomPresence({
      store: this.store,
      publish: (room, json) => this.pubSub.publishRoom(room, json),
      events: options.presenceEvents,
      sanitize: (details) => this.sanitizeMemberDetails(details),
      log,
      observer: this.observer,
    });
    defineChatScripts(redis.publisher);
    this.roomHistory = new RoomHistory(
      redis.publisher,
      this.keys,
      options.history,
    );
    this.availability = new ChatAvailability(
      [redis.client, redis.publisher, redis.subscriber],
      () =>
        this.supervisor.recover().catch((error: unknown) =>
          log(
            "recovery after a Redis outage failed; it is tried again",
            "warning",
            {
              error: String(error),
            },
          ),
        ),
      this.observer,
      log,
    );
    this.membership = new Membership({
      store: this.store,
      presence: this.roomPresence,
      history: this.roomHistory,
      delivery: this.delivery,
      presenceKey: (details) => this.presenceKey(details),
      index: this.index,
      middleware: this.middleware,
      pubSub: this.pubSub,
      liveness: this.liveness,
      availability: this.availability,
      maxRoomsPerConnection: options.maxRoomsPerConnection,
      log,
      memberDetails: (connection) => this.generateMemberDetails(connection),
      notifyDestroyed: (connection, room) =>
        this.tellRemoved(connection, "roomDestroyed", room),
    });
    this.reaper = new Reaper(
      redis.client,
      this.keys,
      this.store,
      this.nodeId,
      options.nodeTimeout,
      (room, member) => {
        this.observer.membersReaped(1);
        return this.membership.runLeaveForReaped(room, member);
      },
      log,
    );
    this.supervisor = new NodeSupervisor({
      liveness: this.liveness,
      reaper: this.reaper,
      membership: this.membership,
      pubSub: this.pubSub,
      control: this.control,
      availability: this.availability,
      index: this.index,
      redis,
      log,
    });
    this.listenToOtherNodes();
  }

  async start() {
    await this.pubSub.start();
    await this.supervisor.start();
  }

  /** Takes this node's connections out of their rooms and stops listening. */
  async stop() {
    const connections = new Set<ChatConnection>();
    for (const room of this.index.roomNames()) {
      for (const connection of this.index.members(room)?.keys() ?? [])
        connections.add(connection);
    }
    await Promise.all(
      [...connections].map((connection) =>
        this.membership.leaveAll(connection),
      ),
    );
    this.supervisor.stop();
    this.control.close();
    await this.pubSub.stop(this.index.roomNames());
    if (this.availability.available && !this.membership.restoreNeeded)
      await this.liveness.deregister();
    else
      this.options.log(
        "stopped without Redis being told of every leave: the other nodes reap this node's members once its liveness expires",
        "warning",
      );
    this.availability.stop();
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
      this.counted(
        "say",
        this.forRoom(room, () => this.publish(sender ?? {}, room, message)),
      ),
      callback,
    );

  /** 1 if it created the room, 0 if it already existed. */
  add = (room: string, callback?: NodeCallback<number>) =>
    withCallback(
      this.forRoom(room, () =>
        this.availability.guard(() => this.store.add(room)),
      ),
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

  /** Who is in the room, each presence key once, the same on every node. */
  presence = (room: string, callback?: NodeCallback<RoomPresenceStatus>) =>
    withCallback(
      this.forRoom(room, async () => {
        const status = await this.availability.guard(() =>
          this.roomPresence.status(room),
        );
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
        if (!this.roomHistory.enabled) throw chatErrors.historyOff(room);
        return this.availability.guard(async () => {
          if (!(await this.store.exists(room)))
            throw chatErrors.roomNotFound(room);
          this.observer.historyRead();
          return this.roomHistory.read(room, query);
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
      this.counted(
        "join",
        this.forRoom(room, () => this.addAnywhere(String(connectionId), room)),
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

  /**
   * The joins and leaves a connection asks for itself (the chat verbs). With `since`, the id of the last
   * message it has, the connection is also sent what it missed: `{recovered}` tells whether all of it.
   */
  joinRoom = (
    connection: ChatConnection,
    room: string,
    since?: string,
  ): Promise<boolean | { recovered: boolean }> =>
    this.counted(
      "join",
      this.forRoom<boolean | { recovered: boolean }>(room, async () => {
        if (since === undefined) return this.membership.join(connection, room);
        const joined = await this.membership.joinAndRecover(
          connection,
          room,
          since,
        );
        this.observer.historyRecovery(joined.recovered);
        return joined;
      }),
    );

  leaveRoom = (connection: ChatConnection, room: string) =>
    this.forRoom(room, () => this.membership.leave(connection, room));

  /** `roomStatus` for a member only. */
  viewRoom = (connection: ChatConnection, room: string) =>
    this.forRoom(room, () => {
      if (!connection.rooms.includes(room))
        throw chatErrors.notAMember(connection.id, room);
      return this.status(room);
    });

  // ---- the node's state, for metrics and health ----

  /** Whether chat on this node answers: every Redis connection ready and no recovery pending. */
  get available() {
    return this.availability.available;
  }

  /** Why chat on this node is unavailable, or null while it is available. */
  unavailableReason(): string | null {
    if (this.availability.available) return null;
    return this.availability.connectionsReady
      ? "recovering after a Redis outage: writing members back and resubscribing"
      : "Redis is unreachable";
  }

  /** The rooms this node holds members in, and its connections' memberships of them. */
  localMembership() {
    let memberships = 0;
    const rooms = this.index.roomNames();
    for (const room of rooms)
      memberships += this.index.members(room)?.size ?? 0;
    return { rooms: rooms.length, memberships };
  }

  /** The live nodes of the application, this one included (read from Redis). */
  async liveNodeCount() {
    const { alive } = await this.liveness.otherNodes();
    return alive.size + 1;
  }

  // ---- the admin page ----

  /** What this node reports of itself to the admin page. */
  nodeReport = (): NodeReport =>
    reportNode({
      nodeId: this.nodeId,
      serverId: this.options.serverId,
      index: this.index,
      traffic: this.traffic,
      connections: () => this.options.connections.countByType?.() ?? {},
      livenessRefreshedAt: this.liveness.refreshedAt,
      unavailableReason: this.unavailableReason(),
    });

  /** Every live node's report (this one's read locally), and the rooms added up over them. */
  clusterReport = (): Promise<ClusterReport> =>
    clusterReport({
      self: this.nodeReport,
      otherNodes: async () => [
        ...(await this.liveness.otherNodes()).alive.keys(),
      ],
      ask: async (nodeId) =>
        (await this.control.ask(nodeId, adminReportRequest, {}, () =>
          chatErrors.nodeSilent(nodeId),
        )) as NodeReport,
      roomNames: () => this.store.list(),
    });

  /** A room's members with everything stored of them and the node holding each. */
  roomMembers = (room: string): Promise<AdminRoomMembers> =>
    this.forRoom(room, () =>
      this.availability.guard(async () => {
        const [stored, holders] = await Promise.all([
          this.store.members(room),
          this.store.holders(room),
        ]);
        if (!stored) throw chatErrors.roomNotFound(room);
        return adminRoomMembers(room, stored, holders);
      }),
    );

  // ---- internals ----

  /** Counts a say or join that is refused, by its code, and traces why. */
  private counted<T>(request: RefusedRequest, work: Promise<T>): Promise<T> {
    return work.catch((error: unknown) => {
      const code =
        error instanceof ChatError ? error.code : "MIDDLEWARE_REFUSED";
      this.observer.refused(request, code);
      (request === "say" ? trace.say : trace.membership)(
        "%s refused (%s): %s",
        request,
        code,
        error instanceof Error ? error.message : String(error),
      );
      throw error;
    });
  }

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
    if (Array.isArray(sender.rooms)) {
      if (!sender.rooms.includes(room)) throw chatErrors.notAMember(from, room);
      this.limitRate(sender as ChatConnection);
    }
    if (this.delivery.isRoomBusy(room))
      throw chatErrors.roomBusy(room, this.options.maxRoomQueue);

    this.availability.assertAvailable();
    const payload = this.generateMessagePayload({
      message,
      sentAt: Date.now(),
      serverId: this.options.serverId,
      connection: { id: from, room },
    });
    const accepted = await this.middleware.runOnSayReceive(
      sender,
      room,
      payload,
    );
    if (accepted === null) {
      trace.say("room %s: dropped by onSayReceive middleware", room);
      return;
    }
    const json = JSON.stringify(accepted);
    await this.availability.guard<unknown>(() =>
      this.roomHistory.enabled
        ? this.roomHistory.publish(room, json)
        : this.pubSub.publishRoom(room, json),
    );
    this.traffic.record(room);
    this.observer.said(
      Array.isArray(sender.rooms)
        ? ((sender as ChatConnection).type ?? "unknown")
        : "server",
    );
    if (trace.say.enabled)
      trace.say("room %s: published %d bytes from %s", room, json.length, from);
  }

  /** Refuses a say past the connection's rate; closes a connection that floods. */
  private limitRate(connection: ChatConnection) {
    const verdict = this.sayRate.take(connection);
    if (verdict === "accepted") return;
    if (verdict === "flooding") {
      this.observer.connectionClosed("flood");
      this.options.log(
        `closing connection "${connection.id}": it went on saying far past ${this.options.maxSaysPerSecond} messages a second`,
        "warning",
      );
      void Promise.resolve(connection.destroy?.()).catch(() => undefined);
    }
    throw chatErrors.rateLimited(connection.id, this.options.maxSaysPerSecond);
  }

  /** Resolves once every node that held members of the room has dropped them (or is dead, or silent past rpcTimeout). */
  private async destroyRoom(room: string) {
    const { generation, membersByNode } = await this.availability.guard(() =>
      this.store.destroy(room),
    );
    if (generation === null && membersByNode.size === 0)
      throw chatErrors.roomNotFound(room);
    if (this.roomHistory.enabled)
      await this.availability.guard(() => this.roomHistory.clear(room));
    const body = (memberIds: string[]) => ({
      room,
      memberIds,
      ...(generation === null ? {} : { generation }),
    });
    await Promise.all(
      [...membersByNode].map(async ([nodeId, memberIds]) => {
        if (nodeId === this.nodeId)
          return this.membership.dropDestroyed(
            room,
            memberIds,
            generation ?? undefined,
          );
        if (!(await this.liveness.isAlive(nodeId))) return;
        try {
          await this.control.ask(nodeId, "dropDestroyed", body(memberIds), () =>
            chatErrors.nodeSilent(nodeId),
          );
        } catch (error) {
          this.options.log(
            `room "${room}" was destroyed, but node "${nodeId}" did not confirm dropping its members`,
            "warning",
            { error: String(error) },
          );
        }
      }),
    );
  }

  private async status(room: string): Promise<RoomStatus> {
    const stored = await this.availability.guard(() =>
      this.store.members(room),
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

  /** Asks every live node; the one holding the connection adds it. None holding it is an error at once. */
  private async addAnywhere(connectionId: string, room: string) {
    const local = this.options.connections.get(connectionId);
    if (local) return this.membership.join(local, room);
    this.availability.assertAvailable();
    const { alive } = await this.liveness.otherNodes();
    const added = await this.control.askAll(
      [...alive.keys()],
      "addMember",
      { connectionId, room },
      () => chatErrors.connectionNotFound(connectionId),
    );
    if (added === notForThisNode)
      throw chatErrors.connectionNotFound(connectionId);
    return added as boolean;
  }

  /** Asks the node that holds the member; a member whose node is dead is reaped here. */
  private async removeAnywhere(connectionId: string, room: string) {
    const local = this.options.connections.get(connectionId);
    if (local) return this.removeLocalMember(local, room);
    this.availability.assertAvailable();
    const holder = await this.store.holderOf(room, connectionId);
    if (holder === null) return false;
    if (holder !== this.nodeId && (await this.liveness.isAlive(holder))) {
      const removed = await this.control.ask(
        holder,
        "removeMember",
        { connectionId, room },
        () => chatErrors.nodeSilent(holder),
      );
      if (removed !== notForThisNode) return removed as boolean;
    }
    // No live node holds the connection: what is stored is a ghost, so it is reaped here.
    this.options.log(
      `reaping member "${connectionId}" of room "${room}": node "${holder}" does not hold it`,
      "notice",
    );
    return (await this.reaper.reapMembers(room, holder, [connectionId])) > 0;
  }

  /** `removeMember` of a connection of this node. */
  private async removeLocalMember(connection: ChatConnection, room: string) {
    const removed = await this.membership.leave(connection, room);
    if (removed) this.tellRemoved(connection, "memberRemoved", room);
    return removed;
  }

  /** Tells a member that the server took it out of a room: its client could not know otherwise. */
  private tellRemoved(
    connection: ChatConnection,
    notice: RemovalNotice,
    room: string,
  ) {
    this.delivery.sendPayload(connection, removalPayload(notice, room));
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
        ? this.removeLocalMember(connection, String(body.room))
        : notForThisNode;
    });
    this.control.on("dropDestroyed", (body) =>
      this.membership.dropDestroyed(
        String(body.room),
        body.memberIds as string[],
        body.generation === undefined ? undefined : String(body.generation),
      ),
    );
    this.control.on(adminReportRequest, () => this.nodeReport());
    this.control.on(nodeReadyNotice, (body, from) =>
      this.supervisor.peerReady(from, String(body.redisRunIds)),
    );
  }
}
