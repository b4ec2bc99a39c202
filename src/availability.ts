import { chatErrors } from "./errors";
import type { ChatObserver } from "./observability/chatObserver";
import type { ChatLogger } from "./types";
import { trace } from "./observability/trace";
import type { Cluster, Redis } from "ioredis";
import {
  isCluster,
  isReady,
  isRedisOutage,
  nodeKeyOf,
  serversOf,
  slotMasters,
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
  /** The `host:port` of the clusters' masters as of the last start or recovery. */
  private knownMasters = new Set<string>();
  private readonly stopWatchingServers: (() => void)[];
  /** When chat became unavailable, and when Redis answered again after it (ms since the epoch). */
  private unavailableSince?: number;
  private reachableSince?: number;
  /** Run once every connection is ready again after an outage: the recovery. */
  private onConnectionsReady: () => void = () => undefined;

  constructor(
    connections: RedisConnection[],
    private readonly observer: ChatObserver,
    private readonly log: ChatLogger,
  ) {
    this.connections = [...new Set(connections)];
    for (const connection of this.connections) {
      connection.on("close", this.reportOutage);
      connection.on("refresh", this.onSlotsLearnt);
      connection.on("ready", this.onReady);
    }
    this.stopWatchingServers = this.connections
      .filter(isCluster)
      .map((cluster) => this.watchServers(cluster));
  }

  /** Runs `recover` each time every connection is ready again after an outage. */
  whenReachable(recover: () => void) {
    this.onConnectionsReady = recover;
  }

  /** Every connection answers and no recovery is pending. */
  get available() {
    return !this.recovering && this.connectionsReady;
  }

  /** Why chat on this node is unavailable, or null while it is available. */
  unavailableReason(): string | null {
    if (this.available) return null;
    return this.connectionsReady
      ? "recovering after a Redis outage: writing members back and resubscribing"
      : "Redis is unreachable";
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
    if (this.outageCount !== outages) return;
    this.recovering = false;
    const now = Date.now();
    const since = this.unavailableSince ?? now;
    this.observer.recovered(
      (now - since) / 1000,
      (now - (this.reachableSince ?? since)) / 1000,
    );
    trace.redis("available again after %d ms", now - since);
    this.unavailableSince = this.reachableSince = undefined;
  }

  stop() {
    for (const connection of this.connections) {
      connection.off("close", this.reportOutage);
      connection.off("refresh", this.onSlotsLearnt);
      connection.off("ready", this.onReady);
    }
    for (const stopWatching of this.stopWatchingServers) stopWatching();
  }

  /** Counts an outage: a connection lost, or a Redis replaced behind connections that stayed up. */
  readonly reportOutage = () => {
    this.outageCount++;
    if (!this.recovering) {
      this.unavailableSince = Date.now();
      this.observer.outageStarted();
      this.log(
        "chat is unavailable: a Redis connection was lost (says and joins fail with CHAT_UNAVAILABLE until it recovers)",
        "warning",
      );
    }
    this.reachableSince = undefined;
    trace.redis("outage %d: chat unavailable", this.outageCount);
    this.recovering = true;
    for (const onOutage of this.outageListeners) onOutage();
    this.outageListeners.clear();
  };

  /**
   * Records the masters of the clusters among the connections (after a start, or a recovery): losing
   * one of them, or learning of a master that is not one of them, is an outage. Throws while a
   * cluster's view is changing.
   */
  noteMasters() {
    this.knownMasters = new Set(
      this.connections
        .filter(isCluster)
        .flatMap((cluster) => serversOf(cluster).map(nodeKeyOf)),
    );
  }

  /**
   * A cluster stays ready when one of its masters is lost (a replica then takes over): that is an
   * outage. It also drops servers on purpose, which is not: the seeds it connected through at boot,
   * and a master it has learnt was replaced (a replica that took over from one that stopped answering
   * is learnt by `onSlotsLearnt`).
   */
  private watchServers(cluster: Cluster) {
    const onServerLost = (server: Redis, nodeKey?: string) => {
      // A cluster's subscribers name the server with its key; its pool of command connections does not.
      const key = nodeKey ?? nodeKeyOf(server);
      if (
        this.knownMasters.has(key) &&
        slotMasters(cluster).has(key) &&
        this.connectionsReady
      )
        this.reportOutage();
    };
    cluster.on("-node", onServerLost);
    return () => void cluster.off("-node", onServerLost);
  }

  /**
   * A cluster learnt its slots again: a master it did not know (a replica that took over from one that
   * stopped answering without closing its connections) is an outage, once per recovery.
   */
  private readonly onSlotsLearnt = () => {
    if (this.recovering || this.knownMasters.size === 0) return;
    const replaced = this.connections
      .filter(isCluster)
      .some((cluster) =>
        [...slotMasters(cluster)].some((key) => !this.knownMasters.has(key)),
      );
    if (replaced) this.reportOutage();
  };

  private readonly onReady = () => {
    // ioredis emits "ready" before it resubscribes and sends what it queued; recover after those.
    if (this.recovering && this.connectionsReady) {
      this.reachableSince ??= Date.now();
      trace.redis("every Redis connection is ready: recovering");
      queueMicrotask(this.onConnectionsReady);
    }
  };
}
