import { chatErrors } from "./errors";
import type { Redis } from "ioredis";
import {
  isCluster,
  isMasterOfSlots,
  isReady,
  isRedisOutage,
  nodeKeyOf,
  type RedisConnection,
} from "./redisConnection";

/**
 * Whether this node can reach Redis, so that chat answers "unavailable" at once instead of letting
 * ioredis queue a message and answering OK for something that may never arrive. Every lost connection
 * counts as an outage; after one, chat stays unavailable until the node has recovered (written its
 * members back and resubscribed).
 */
export class ChatAvailability {
  /** How many times a connection was lost. */
  private outageCount = 0;
  private recovering = false;
  private readonly outageListeners = new Set<() => void>();
  private readonly connections: RedisConnection[];

  constructor(
    connections: RedisConnection[],
    private readonly onConnectionsReady: () => void,
  ) {
    this.connections = [...new Set(connections)];
    for (const connection of this.connections) {
      connection.on("close", this.reportOutage);
      connection.on("-node", this.onServerLost);
      connection.on("ready", this.onReady);
    }
  }

  /** Every connection answers and no recovery is pending. */
  get available() {
    return !this.recovering && this.connectionsReady;
  }

  get connectionsReady() {
    return this.connections.every(isReady);
  }

  /** A connection was lost, and the node has not recovered since. */
  get needsRecovery() {
    return this.recovering;
  }

  /** The outages so far, to tell `recovered` which recovery ended. */
  get outages() {
    return this.outageCount;
  }

  /** Throws `CHAT_UNAVAILABLE` unless available. */
  assertAvailable() {
    if (!this.available) throw chatErrors.unavailable();
  }

  /**
   * Runs `work` if chat is available, and settles as it does, unless a connection is lost first: then it
   * rejects with `CHAT_UNAVAILABLE` at once, as what was sent may not arrive everywhere.
   */
  guard<T>(work: () => Promise<T>): Promise<T> {
    this.assertAvailable();
    const outagesBefore = this.outageCount;
    return new Promise<T>((resolve, reject) => {
      const onOutage = () => reject(chatErrors.unavailable());
      this.outageListeners.add(onOutage);
      work().then(
        (result) => {
          this.outageListeners.delete(onOutage);
          if (this.outageCount === outagesBefore) resolve(result);
          else reject(chatErrors.unavailable());
        },
        (error: unknown) => {
          this.outageListeners.delete(onOutage);
          reject(isRedisOutage(error) ? chatErrors.unavailable() : error);
        },
      );
    });
  }

  /** Marks the recovery that began after `outages` outages as done, unless another began since. */
  recovered(outages: number) {
    if (this.outageCount === outages) this.recovering = false;
  }

  stop() {
    for (const connection of this.connections) {
      connection.off("close", this.reportOutage);
      connection.off("-node", this.onServerLost);
      connection.off("ready", this.onReady);
    }
  }

  /** Counts an outage: a connection lost, or a Redis replaced behind connections that stayed up. */
  readonly reportOutage = () => {
    this.outageCount++;
    this.recovering = true;
    for (const onOutage of this.outageListeners) onOutage();
    this.outageListeners.clear();
  };

  /**
   * A cluster stays ready when one of its masters is lost (a replica then takes over): that is an
   * outage. It also drops servers on purpose, which is not: the seeds it connected through at boot,
   * and servers that no longer hold slots once it has learnt that a replica took over.
   */
  private readonly onServerLost = (server: Redis, nodeKey?: string) => {
    // A cluster names the server with its key; its pool of command connections does not.
    const key = nodeKey ?? nodeKeyOf(server);
    const heldSlots = this.connections.some(
      (connection) => isCluster(connection) && isMasterOfSlots(connection, key),
    );
    if (heldSlots && this.connectionsReady) this.reportOutage();
  };

  private readonly onReady = () => {
    // ioredis emits "ready" before it resubscribes and sends what it queued; recover after those.
    if (this.recovering && this.connectionsReady)
      queueMicrotask(this.onConnectionsReady);
  };
}
