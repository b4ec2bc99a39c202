import type { Cluster, Redis } from "ioredis";

/**
 * A connection to one Redis server or to a Redis Cluster. Every script and transaction of the chat
 * touches the keys of one hash slot, so its commands run alike on both.
 */
export type RedisConnection = Redis | Cluster;

export function isCluster(connection: RedisConnection): connection is Cluster {
  return connection.isCluster === true;
}

/** Whether a connection answers commands now (ioredis-mock has no status: it always does). */
export function isReady(connection: RedisConnection) {
  return connection.status === undefined || connection.status === "ready";
}

/** The servers that hold a connection's data: a cluster's masters, or the one server. */
export function serversOf(connection: RedisConnection): Redis[] {
  return isCluster(connection) ? connection.nodes("master") : [connection];
}

/** Whether a server (`host:port`) is the master of any hash slot, as the cluster connection last learnt. */
export function isMasterOfSlots(cluster: Cluster, nodeKey: string) {
  return cluster.slots.some((owners) => owners?.[0] === nodeKey);
}
