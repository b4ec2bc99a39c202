import { api, config, id, Initializer, log } from "actionhero";
import {
  chatRedisConnections,
  connectionsReady,
  describeRedis,
  logRedisErrors,
  redisMode,
  type ChatRedisConnections,
} from "../adapter/redisConnections";
import {
  patchActionhero,
  type ActionheroPatches,
} from "../adapter/actionheroPatches";
import { websocketTransport } from "../adapter/websocketTransport";
import { SocketServer } from "../servers/socket";
import { ChatEngine } from "../src/chatEngine";
import { ChatTransports } from "../src/chatTransport";
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
  /** How the engine writes to each type of connection. */
  private transports?: ChatTransports;
  private patches?: ActionheroPatches;
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
    this.redis = chatRedisConnections(chatConfig, {
      client: api.redis.clients.client,
      subscriber: api.redis.clients.subscriber,
    });
    this.transports = new ChatTransports();
    this.transports.register("websocket", websocketTransport);
    this.engine = new ChatEngine({
      config: chatConfig,
      serverId: id,
      serverToken: general.serverToken,
      defaultMiddlewarePriority: general.defaultMiddlewarePriority,
      redis: this.redis,
      connections: {
        get: (connectionId) => api.connections.connections[connectionId],
        countByType: connectionsByTransport,
      },
      transports: this.transports,
      log: chatLog,
      observer: this.metrics,
    });
    this.patches = patchActionhero(this.engine);
    this.unlogErrors = logRedisErrors(this.redis, (message) =>
      chatLog(message, "warning"),
    );
    // Core's chat initializer creates the starting rooms before this one starts.
    try {
      await connectionsReady(this.redis);
    } catch (error) {
      // The boot fails: nothing may be left routed to an engine without Redis.
      this.patches.undo();
      this.disconnectOwned();
      throw error;
    }
  }

  async start() {
    if (!this.engine || !this.redis) return;
    // The servers exist by now (all initializers have run), and start after this.
    this.patches?.patchServers();
    const socketServer = api.servers.servers.socket;
    if (socketServer instanceof SocketServer)
      this.transports?.register(socketServer.type, socketServer);
    await this.engine.start();
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
    this.patches?.undo();
    this.unserve?.();
    this.metrics?.unregister();
    this.disconnectOwned();
    this.unlogErrors?.();
    this.engine = undefined;
    this.transports = undefined;
    this.patches = undefined;
    this.unlogErrors = undefined;
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
