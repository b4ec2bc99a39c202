import RedisMock from "ioredis-mock";
import type { Redis } from "ioredis";
import { ChatEngine, type ChatEngineOptions } from "../../src";
import { TestConnection } from "./testConnection";

let nextDatabase = 1000;

/** A fresh in-memory Redis: the engines given it are nodes of one application. */
export function newMemoryRedis(): Redis {
  return new RedisMock({ port: nextDatabase++ }) as unknown as Redis;
}

export interface EngineNode {
  engine: ChatEngine;
  logs: string[];
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
  const subscriber = redis.duplicate();
  const engine = new ChatEngine({
    nodeId,
    serverToken: "test-token",
    keyPrefix: "test:",
    maxRoomNameLength: 64,
    maxMessageLength: 1000,
    rpcTimeout: 300,
    defaultMiddlewarePriority: 100,
    redis: { client: redis, publisher: redis, subscriber },
    connections: { get: (id) => connections.get(id) },
    log: (message) => logs.push(message),
    ...options,
  });
  await engine.start();
  return {
    engine,
    logs,
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
