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
import { NodeWriteBudget } from "./nodeWriteBudget";
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
 * Builds the parts of one node's chat in the order they depend on each other, layer by layer, each
 * part given only what it uses. Nothing here talks to Redis yet: `NodeSupervisor.start` and
 * `ChatPubSub.start` do.
 */
export function buildChatParts(options: ChatEngineOptions, hooks: ChatHooks) {
  const node = nodeParts(options);
  const messaging = messagingParts(options, hooks, node);
  const members = membershipParts(options, hooks, { ...node, ...messaging });
  const operations = operationParts(options, hooks, {
    ...node,
    ...messaging,
    ...members,
  });
  return { ...node, ...messaging, ...members, ...operations };
}

/** What the node keeps and reads in Redis, and of itself. */
function nodeParts(options: ChatEngineOptions) {
  const { config, redis, log } = options;
  /** This node process's own identity in Redis: new at every start, even when actionhero's `id` repeats. */
  const nodeId = `${options.serverId}#${randomBytes(4).toString("hex")}`;
  const observer = options.observer ?? silentObserver;
  const keys = new ChatKeys(config.keyPrefix);
  const index = new LocalRoomIndex();
  const transports = options.transports ?? new ChatTransports();
  defineChatScripts(redis.publisher);
  return {
    nodeId,
    observer,
    keys,
    index,
    transports,
    writeBudget: new NodeWriteBudget({
      connections: () => index.connections(),
      transports,
      config,
      observer,
      log,
    }),
    traffic: new RoomTraffic(),
    store: new RoomStore(redis.client, keys),
    history: new RoomHistory(redis.publisher, keys, config.history),
    liveness: new NodeLiveness(redis.client, keys, nodeId, config.nodeTimeout),
    middleware: new ChatMiddlewareStack(options.defaultMiddlewarePriority),
    availability: new ChatAvailability(
      [redis.client, redis.publisher, redis.subscriber],
      observer,
      log,
    ),
  };
}

type NodeParts = ReturnType<typeof nodeParts>;

/** How messages travel: pub/sub between nodes, the control channel, delivery here, presence events. */
function messagingParts(
  options: ChatEngineOptions,
  hooks: ChatHooks,
  {
    nodeId,
    keys,
    index,
    middleware,
    transports,
    store,
    history,
    observer,
    writeBudget,
  }: NodeParts,
) {
  const { config, redis, log } = options;
  const { publisher, subscriber } = redis;
  const pubSub = new ChatPubSub(publisher, subscriber, keys, nodeId);
  const control: ChatControl = new ControlChannel<ChatControlProtocol>(
    (channel, json) => pubSub.publishControl(channel, json),
    keys,
    nodeId,
    options.serverToken,
    config.rpcTimeout,
    log,
  );
  const delivery = new RoomDelivery({
    index,
    middleware,
    transports,
    config,
    writeBudget,
    history,
    log,
    observer,
  });
  const presence = new RoomPresence({
    store,
    publish: (room, json) => pubSub.publishRoom(room, json),
    events: config.presence.events,
    sanitize: (details) => hooks.sanitizeMemberDetails(details),
    log,
    observer,
  });
  return { pubSub, control, delivery, presence };
}

type MessagingParts = ReturnType<typeof messagingParts>;

/** This node's memberships, and what keeps them true in Redis through deaths and outages. */
function membershipParts(
  options: ChatEngineOptions,
  hooks: ChatHooks,
  parts: NodeParts & MessagingParts,
) {
  const { config, redis, log } = options;
  const { nodeId, keys, store, observer } = parts;
  const ledger = new OutageLedger();
  const membership = new Membership({
    ...parts,
    unwritten: ledger,
    maxRoomsPerConnection: config.maxRoomsPerConnection,
    log,
    memberDetails: (connection) => hooks.generateMemberDetails(connection),
    presenceKey: (details) => hooks.presenceKey(details),
  });
  const restore = new MembershipRestore({ ...parts, ledger, membership });
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
    ...parts,
    reaper,
    restore,
    redis,
    log,
  });
  return { membership, restore, reaper, supervisor };
}

/** What the API does: publishing says, and the operations that reach the other nodes. */
function operationParts(
  options: ChatEngineOptions,
  hooks: ChatHooks,
  parts: NodeParts & MessagingParts & ReturnType<typeof membershipParts>,
) {
  const { config, log, serverId, connections } = options;
  return {
    publisher: new RoomPublisher({ ...parts, config, hooks, log, serverId }),
    cluster: new ClusterOperations({ ...parts, serverId, connections, log }),
  };
}
