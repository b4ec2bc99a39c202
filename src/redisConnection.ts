import type { Cluster, Redis } from "ioredis";
import { corkForThisTurn } from "./corkForThisTurn";

/**
 * A connection to one Redis server or to a Redis Cluster. Every script and transaction of the chat
 * touches the keys of one hash slot, so its commands run alike on both.
 */
export type RedisConnection = Redis | Cluster;

export function isCluster(connection: RedisConnection): connection is Cluster {
  return connection.isCluster === true;
}

/** Whether a connection is ioredis-mock: its data and messages stay within this process. */
export function isInMemory(connection: RedisConnection) {
  return /RedisMock/.test(connection.constructor.name);
}

/** Whether a connection answers commands now (ioredis-mock has no status: it always does). */
export function isReady(connection: RedisConnection) {
  return connection.status === undefined || connection.status === "ready";
}

/**
 * Holds the commands written to one Redis server in this turn of the event loop until its end, so the
 * messages said in one turn reach Redis in one write. A cluster's commands go through a connection per
 * master, and ioredis-mock has no socket: those write as they come.
 */
export function corkCommandsForThisTurn(connection: RedisConnection) {
  const { stream } = connection as Partial<Redis>;
  if (stream?.writable) corkForThisTurn(stream);
}

/**
 * The servers that hold a connection's data: the one server, or a cluster's masters. Throws while a
 * cluster's view is changing (a slot without a master it is connected to), as during a failover, and
 * asks the cluster for its current view.
 */
export function serversOf(connection: RedisConnection): Redis[] {
  if (!isCluster(connection)) return [connection];
  const masters = connection.nodes("master");
  const connected = new Set(masters.map(nodeKeyOf));
  // Slots no master serves (a cluster that allows partial coverage) are holes: `every` skips them.
  const settled =
    connection.slots.length > 0 &&
    connection.slots.every((owners) => connected.has(owners?.[0]));
  if (!settled) {
    // The view is refreshed on errors, not on its own: ask for the cluster's current one.
    connection.refreshSlotsCache();
    throw new Error("the Redis Cluster's masters are changing");
  }
  return masters;
}

/** A server's `host:port`, as a cluster names it. */
export function nodeKeyOf(server: Redis) {
  return `${server.options.host}:${server.options.port}`;
}

/** The `host:port` of each server the cluster connection last learnt to be the master of a slot. */
export function slotMasters(cluster: Cluster): Set<string> {
  return new Set(cluster.slots.map((owners) => owners?.[0]));
}

/**
 * Whether an error says that Redis could not be reached or could not serve (a lost connection, a
 * cluster without a master for the slot): an outage, not a refusal of the request.
 */
export function isRedisOutage(error: unknown) {
  if (!(error instanceof Error)) return false;
  return (
    ["ClusterAllFailedError", "MaxRetriesPerRequestError"].includes(
      error.name,
    ) ||
    /^(CLUSTERDOWN|TRYAGAIN|MASTERDOWN|LOADING)\b|Too many Cluster redirections|Connection is closed/.test(
      error.message,
    )
  );
}
