import { EventEmitter } from "events";
import type { Redis } from "ioredis";
import {
  ChatEngine,
  ChatTransports,
  resolveChatConfig,
  sendMessageTransport,
  type ChatConfig,
  type ChatConnection,
  type ChatEngineOptions,
  type RoomMessage,
} from "../../src";
import { TestConnection } from "./testConnection";

export interface EngineNode {
  engine: ChatEngine;
  /** The node's pub/sub connection: a test may make it miss a message behind the engine's back. */
  subscriber: Redis;
  logs: string[];
  /** Resolves once the node has logged `times` lines containing `text`. */
  logged(text: string, times?: number): Promise<void>;
  connect(id: string): TestConnection;
  disconnect(connection: TestConnection): Promise<void>;
  stop(): Promise<void>;
}

/**
 * What a test may change of a node: its chat config (presence events as a flag), token and transports,
 * or instead of transports `deliver`, given every room message written to a connection of the node.
 */
export type EngineNodeOptions = Partial<Omit<ChatConfig, "presence">> &
  Partial<
    Pick<ChatEngineOptions, "serverToken" | "transports" | "observer">
  > & {
    presenceEvents?: boolean;
    deliver?: (connection: ChatConnection, message: RoomMessage) => void;
  };

/** Transports that hand the room messages to the node's connections (of type "test") to `deliver`. */
function deliveringTo(deliver: NonNullable<EngineNodeOptions["deliver"]>) {
  const transports = new ChatTransports();
  transports.register("test", { ...sendMessageTransport, write: deliver });
  return transports;
}

/** One node's engine on the given Redis, with its own connections. */
export async function startEngineNode(
  redis: Redis,
  nodeId: string,
  options: EngineNodeOptions = {},
): Promise<EngineNode> {
  const connections = new Map<string, TestConnection>();
  const logs: string[] = [];
  const logEvents = new EventEmitter();
  const subscriber = redis.duplicate();
  const {
    presenceEvents,
    serverToken,
    transports,
    deliver,
    observer,
    ...config
  } = options;
  const engine = new ChatEngine({
    config: resolveChatConfig({
      keyPrefix: "test:",
      maxRoomNameLength: 64,
      maxMessageLength: 1000,
      rpcTimeout: 300,
      nodeTimeout: 1000,
      ...config,
      presence: { events: presenceEvents ?? false },
    }),
    serverId: nodeId,
    serverToken: serverToken ?? "test-token",
    defaultMiddlewarePriority: 100,
    redis: { client: redis, publisher: redis, subscriber },
    connections: { get: (id) => connections.get(id) },
    transports: deliver ? deliveringTo(deliver) : transports,
    observer,
    log: (message) => {
      logs.push(message);
      logEvents.emit("log", message);
    },
  });
  await engine.start();
  return {
    engine,
    subscriber,
    logs,
    logged: (text, times = 1) =>
      new Promise((resolve) => {
        const enough = () =>
          logs.filter((line) => line.includes(text)).length >= times;
        if (enough()) return resolve();
        const listener = () => {
          if (!enough()) return;
          logEvents.off("log", listener);
          resolve();
        };
        logEvents.on("log", listener);
      }),
    connect(id) {
      const connection = new TestConnection(id);
      connections.set(id, connection);
      return connection;
    },
    async disconnect(connection) {
      connection.destroyed = true;
      await engine.leaveAllRooms(connection);
      connections.delete(connection.id);
    },
    async stop() {
      await engine.stop();
      subscriber.disconnect();
    },
  };
}
