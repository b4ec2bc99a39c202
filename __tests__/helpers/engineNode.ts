import { EventEmitter } from "events";
import type { Redis } from "ioredis";
import {
  ChatEngine,
  defaultChatConfig,
  type ChatEngineOptions,
} from "../../src";
import { TestConnection } from "./testConnection";

export interface EngineNode {
  engine: ChatEngine;
  logs: string[];
  /** Resolves once the node has logged `times` lines containing `text`. */
  logged(text: string, times?: number): Promise<void>;
  connect(id: string): TestConnection;
  disconnect(connection: TestConnection): Promise<void>;
  stop(): Promise<void>;
}

/** One node's engine on the given Redis, with its own connections. */
export async function startEngineNode(
  redis: Redis,
  nodeId: string,
  options: Partial<ChatEngineOptions> = {},
): Promise<EngineNode> {
  const connections = new Map<string, TestConnection>();
  const logs: string[] = [];
  const logEvents = new EventEmitter();
  const subscriber = redis.duplicate();
  const engine = new ChatEngine({
    serverId: nodeId,
    serverToken: "test-token",
    keyPrefix: "test:",
    maxRoomNameLength: 64,
    maxMessageLength: 1000,
    rpcTimeout: 300,
    nodeTimeout: 1000,
    maxSaysPerSecond: defaultChatConfig.maxSaysPerSecond,
    sayBurst: defaultChatConfig.sayBurst,
    maxRoomsPerConnection: defaultChatConfig.maxRoomsPerConnection,
    maxRoomQueue: defaultChatConfig.maxRoomQueue,
    presenceEvents: defaultChatConfig.presence.events,
    history: defaultChatConfig.history,
    defaultMiddlewarePriority: 100,
    redis: { client: redis, publisher: redis, subscriber },
    connections: { get: (id) => connections.get(id) },
    log: (message) => {
      logs.push(message);
      logEvents.emit("log", message);
    },
    ...options,
  });
  await engine.start();
  return {
    engine,
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
