import { randomBytes } from "crypto";
import { ChatAvailability } from "./availability";
import type { ChatConfig } from "./config";
import { ClusterOperations } from "./clusterOperations";
import { ControlChannel } from "./controlChannel";
import type { ChatControl, ChatControlProtocol } from "./controlProtocol";
import { ChatKeys } from "./keys";
import { LocalRoomIndex } from "./localRoomIndex";
import { Membership } from "./membership";
import { MembershipRestore } from "./membershipRestore";
import { ChatMiddlewareStack } from "./middleware";
import { NodeLiveness } from "./nodeLiveness";
import { NodeSupervisor } from "./nodeSupervisor";
import {
  silentObserver,
  type ChatObserver,
} from "./observability/chatObserver";
import { OutageLedger } from "./outageLedger";
import { RoomPresence } from "./presence";
import { ChatPubSub } from "./pubSub";
import type { RedisConnection } from "./redisConnection";
import { Reaper } from "./reaper";
import { RoomTraffic } from "./admin/roomTraffic";
import { RoomDelivery } from "./roomDelivery";
import { RoomHistory } from "./roomHistory";
import { RoomPublisher } from "./roomPublisher";
import { RoomStore } from "./roomStore";
import { SayRateLimiter } from "./sayRateLimiter";
import { defineChatScripts } from "./scripts/chatScripts";
import { ChatTransports } from "./chatTransport";
import type {
  ChatConnection,
  ChatLogger,
  ConnectionDirectory,
  MaybePromise,
  MemberDetails,
  MessageEnvelope,
  MessagePayload,
} from "./types";

/** What the engine is given: the chat config and what the host provides. */
export interface ChatEngineOptions {
  /** `config.chat`, completed with the defaults (`resolveChatConfig`). */
  config: ChatConfig;
  /** Actionhero's `id` of this node, stored with each member as `host` by default. */
  serverId: string;
  /** Control messages between nodes carry it; others are ignored. */
  serverToken: string;
  defaultMiddlewarePriority: number;
  /** `client` stores rooms and members; `publisher` and `subscriber` carry messages (they may be another server). */
  redis: {
    client: RedisConnection;
    publisher: RedisConnection;
    subscriber: RedisConnection;
  };
  connections: ConnectionDirectory;
  /** How messages reach each type of connection; by default through `connection.sendMessage`. */
  transports?: ChatTransports;
  log: ChatLogger;
  /** Told of the node's work as it happens, for metrics; by default nobody. */
  observer?: ChatObserver;
}

/** The engine's hooks, which an application may replace: the parts call whichever is set at the time. */
export interface ChatHooks {
  generateMemberDetails(
    connection: ChatConnection,
  ): MaybePromise<MemberDetails>;
  sanitizeMemberDetails(
    memberData: MemberDetails,
  ): MaybePromise<Record<string, unknown>>;
  presenceKey(memberDetails: MemberDetails): MaybePromise<string>;
  generateMessagePayload(envelope: MessageEnvelope): MessagePayload;
}

export type ChatParts = ReturnType<typeof buildChatParts>;

/**
 * Builds the parts of one node's chat in the order they depend on each other, each given only what it
 * uses. Nothing here talks to Redis yet: `NodeSupervisor.start` and `ChatPubSub.start` do.
 */
export function buildChatParts(options: ChatEngineOptions, hooks: ChatHooks) {
  const { config, redis, log } = options;
  /** This node process's own identity in Redis: new at every start, even when actionhero's `id` repeats. */
  const nodeId = `${options.serverId}#${randomBytes(4).toString("hex")}`;
  const observer = options.observer ?? silentObserver;
  const keys = new ChatKeys(config.keyPrefix);
  const index = new LocalRoomIndex();
  const traffic = new RoomTraffic();
  const store = new RoomStore(redis.client, keys);
  const liveness = new NodeLiveness(
    redis.client,
    keys,
    nodeId,
    config.nodeTimeout,
  );
  const middleware = new ChatMiddlewareStack(options.defaultMiddlewarePriority);
  const transports = options.transports ?? new ChatTransports();
  const delivery = new RoomDelivery({
    index,
    middleware,
    transports,
    config,
    log,
    observer,
  });
  const pubSub = new ChatPubSub(
    redis.publisher,
    redis.subscriber,
    keys,
    nodeId,
  );
  const control: ChatControl = new ControlChannel<ChatControlProtocol>(
    (channel, json) => pubSub.publishControl(channel, json),
    keys,
    nodeId,
    options.serverToken,
    config.rpcTimeout,
    log,
  );
  const presence = new RoomPresence({
    store,
    publish: (room, json) => pubSub.publishRoom(room, json),
    events: config.presence.events,
    sanitize: (details) => hooks.sanitizeMemberDetails(details),
    log,
    observer,
  });
  defineChatScripts(redis.publisher);
  const history = new RoomHistory(redis.publisher, keys, config.history);
  const availability = new ChatAvailability(
    [redis.client, redis.publisher, redis.subscriber],
    observer,
    log,
  );
  const ledger = new OutageLedger();
  const membership = new Membership({
    store,
    presence,
    history,
    delivery,
    index,
    middleware,
    pubSub,
    liveness,
    availability,
    unwritten: ledger,
    maxRoomsPerConnection: config.maxRoomsPerConnection,
    log,
    memberDetails: (connection) => hooks.generateMemberDetails(connection),
    presenceKey: (details) => hooks.presenceKey(details),
  });
  const restore = new MembershipRestore({
    ledger,
    membership,
    index,
    store,
    presence,
    history,
    liveness,
  });
  const reaper = new Reaper(
    redis.client,
    keys,
    store,
    nodeId,
    config.nodeTimeout,
    (room, member) => {
      observer.membersReaped(1);
      return membership.runLeaveForReaped(room, member);
    },
    log,
  );
  const supervisor = new NodeSupervisor({
    liveness,
    reaper,
    restore,
    pubSub,
    control,
    availability,
    index,
    redis,
    log,
  });
  const publisher = new RoomPublisher({
    config,
    hooks,
    middleware,
    delivery,
    availability,
    history,
    pubSub,
    transports,
    traffic,
    observer,
    log,
    serverId: options.serverId,
  });
  const cluster = new ClusterOperations({
    nodeId,
    serverId: options.serverId,
    connections: options.connections,
    index,
    traffic,
    membership,
    delivery,
    store,
    history,
    liveness,
    availability,
    control,
    reaper,
    supervisor,
    log,
  });
  return {
    nodeId,
    keys,
    observer,
    index,
    traffic,
    store,
    liveness,
    middleware,
    delivery,
    pubSub,
    control,
    presence,
    history,
    availability,
    membership,
    restore,
    supervisor,
    publisher,
    cluster,
  };
}
