import { api, config, id, Initializer, log } from "actionhero";
import {
  chatRedisConnections,
  connectionsReady,
  describeRedis,
  logRedisErrors,
  redisMode,
  type ChatRedisConnections,
} from "../adapter/redisConnections";
import { routeActionheroChat } from "../adapter/routeActionheroChat";
import {
  guardWebsocketInput,
  takeWebsocketFramesInTurn,
} from "../adapter/guardWebsocketInput";
import { deliverToConnection } from "../adapter/connectionDelivery";
import { coalesceWebsocketAnswers } from "../adapter/websocketAnswers";
import { ChatEngine } from "../src/chatEngine";
import { resolveChatConfig } from "../src/config";
import type { ChatMetrics } from "../src/observability/chatMetrics";
import { chatLog } from "../adapter/chatLog";
import {
  chatMetrics,
  connectionsByTransport,
  measureNode,
  observabilityRoutes,
} from "../adapter/chatObservability";
import { serveChatHttp } from "../adapter/chatHttp";
import { adminRoutes } from "../adapter/adminPage";
import { describeAdminRedis } from "../adapter/adminRedis";
import { chatSettings } from "../adapter/chatSettings";

/**
 * Starts the chat engine of this node on actionhero: after core's own chat initializer (so it replaces
 * it), before the servers (so connections chat through it), and stops after the servers have closed.
 */
export class ChatInitializer extends Initializer {
  private redis?: ChatRedisConnections;
  private engine?: ChatEngine;
  private unroute?: () => void;
  /** Undoes what the plugin wrapped of actionhero's websocket server. */
  private unguard?: () => void;
  private unlogErrors?: () => void;
  private metrics?: ChatMetrics;
  /** Stops serving the plugin's HTTP routes (metrics, health, the admin page). */
  private unserve?: () => void;

  constructor() {
    super();
    this.name = "ah-chat-plugin";
    this.loadPriority = 530;
    this.startPriority = 210;
    this.stopPriority = 200;
  }

  async initialize() {
    const general = config.general as {
      serverToken: string;
      defaultMiddlewarePriority: number;
    };
    const chatConfig = resolveChatConfig(config.chat);
    config.chat = chatConfig;
    this.metrics = chatMetrics(chatConfig);
    takeWebsocketFramesInTurn();
    this.redis = chatRedisConnections(chatConfig, {
      client: api.redis.clients.client,
      subscriber: api.redis.clients.subscriber,
    });
    this.engine = new ChatEngine({
      serverId: id,
      serverToken: general.serverToken,
      keyPrefix: chatConfig.keyPrefix,
      maxRoomNameLength: chatConfig.maxRoomNameLength,
      maxMessageLength: chatConfig.maxMessageLength,
      rpcTimeout: chatConfig.rpcTimeout,
      nodeTimeout: chatConfig.nodeTimeout,
      maxSaysPerSecond: chatConfig.maxSaysPerSecond,
      sayBurst: chatConfig.sayBurst,
      maxRoomsPerConnection: chatConfig.maxRoomsPerConnection,
      maxRoomQueue: chatConfig.maxRoomQueue,
      presenceEvents: chatConfig.presence.events,
      history: chatConfig.history,
      defaultMiddlewarePriority: general.defaultMiddlewarePriority,
      redis: this.redis,
      connections: {
        get: (connectionId) => api.connections.connections[connectionId],
        countByType: connectionsByTransport,
      },
      deliver: deliverToConnection,
      log: chatLog,
      observer: this.metrics,
    });
    this.unroute = routeActionheroChat(this.engine);
    this.unlogErrors = logRedisErrors(this.redis, (message) =>
      chatLog(message, "warning"),
    );
    // Core's chat initializer creates the starting rooms before this one starts.
    try {
      await connectionsReady(this.redis);
    } catch (error) {
      // The boot fails: nothing may be left routed to an engine without Redis.
      this.unroute();
      this.disconnectOwned();
      throw error;
    }
  }

  async start() {
    if (!this.engine || !this.redis) return;
    // Core's chat initializer has started by now; its pub/sub handler must not deliver a second time.
    delete api.redis.subscriptionHandlers.chat;
    await this.engine.start();
    // The servers exist by now (all initializers have run), and start after this.
    const unguardInput = guardWebsocketInput();
    const uncoalesceAnswers = coalesceWebsocketAnswers();
    this.unguard = () => {
      unguardInput();
      uncoalesceAnswers();
    };
    const mode = redisMode(this.redis);
    if (this.metrics) measureNode(this.metrics, this.engine, mode);
    const redis = this.redis;
    this.unserve = serveChatHttp([
      ...observabilityRoutes(chatSettings(), this.engine, mode, this.metrics),
      ...adminRoutes(chatSettings(), this.engine, () =>
        describeAdminRedis(redis),
      ),
    ]);
    const { inMemory } = this.redis;
    log(
      `[chat] ah-chat-plugin started: rooms in ${describeRedis(this.redis, "client")}, messages through ${describeRedis(this.redis, "subscriber")}`,
      "notice",
    );
    if (inMemory) {
      log(
        "[chat] chat is in memory: rooms and messages are not shared across nodes",
        "notice",
      );
    }
  }

  async stop() {
    await this.engine?.stop();
    this.unroute?.();
    this.unguard?.();
    this.unserve?.();
    this.metrics?.unregister();
    this.disconnectOwned();
    this.unlogErrors?.();
    this.engine = undefined;
    this.unroute = undefined;
    this.unlogErrors = undefined;
    this.unguard = undefined;
    this.unserve = undefined;
    this.metrics = undefined;
    this.redis = undefined;
  }

  /** Closes the connections the plugin made (not the application's own). */
  private disconnectOwned() {
    if (!this.redis?.owned) return;
    const { client, subscriber, publisher } = this.redis;
    for (const connection of new Set([client, subscriber, publisher]))
      connection.disconnect();
  }
}
