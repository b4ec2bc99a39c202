import type { Redis } from "ioredis";
import { chatErrors } from "./errors";

/**
 * Whether this node can reach Redis, so that chat answers "unavailable" at once instead of letting
 * ioredis queue a message and answering OK for something that may never arrive. Every lost connection
 * counts as an outage; after one, chat stays unavailable until the node has recovered (written its
 * members back and resubscribed).
 */
export class ChatAvailability {
  private outages = 0;
  private readonly outageListeners = new Set<() => void>();
  private recovering = false;
  private readonly connections: Redis[];

  constructor(
    connections: Redis[],
    private readonly onConnectionsReady: () => void,
  ) {
    this.connections = [...new Set(connections)];
    for (const connection of this.connections) {
      connection.on("close", this.onClose);
      connection.on("ready", this.onReady);
    }
  }

  /** Every connection answers (ioredis-mock has no status: it always does) and no recovery is pending. */
  get available() {
    return !this.recovering && this.connectionsReady;
  }

  get connectionsReady() {
    return this.connections.every(
      (connection) =>
        connection.status === undefined || connection.status === "ready",
    );
  }

  get needsRecovery() {
    return this.recovering;
  }

  /** Throws `CHAT_UNAVAILABLE` unless available; returns a mark for `assertNoOutageSince`. */
  assertAvailable(): number {
    if (!this.available) throw chatErrors.unavailable();
    return this.outages;
  }

  /**
   * Runs `work` if chat is available, and settles as it does, unless a connection is lost first: then it
   * rejects with `CHAT_UNAVAILABLE` at once, as what was sent may not arrive everywhere.
   */
  guard<T>(work: () => Promise<T>): Promise<T> {
    const mark = this.assertAvailable();
    return new Promise<T>((resolve, reject) => {
      const onOutage = () => reject(chatErrors.unavailable());
      this.outageListeners.add(onOutage);
      work().then(
        (result) => {
          this.outageListeners.delete(onOutage);
          if (this.outages === mark) resolve(result);
          else reject(chatErrors.unavailable());
        },
        (error: unknown) => {
          this.outageListeners.delete(onOutage);
          reject(error);
        },
      );
    });
  }

  /** Marks the recovery that began at `mark` as done, unless another outage began since. */
  recovered(mark: number) {
    if (this.outages === mark) this.recovering = false;
  }

  get outageMark() {
    return this.outages;
  }

  stop() {
    for (const connection of this.connections) {
      connection.off("close", this.onClose);
      connection.off("ready", this.onReady);
    }
  }

  private readonly onClose = () => {
    this.outages++;
    this.recovering = true;
    for (const onOutage of this.outageListeners) onOutage();
    this.outageListeners.clear();
  };

  private readonly onReady = () => {
    // ioredis emits "ready" before it resubscribes and sends what it queued; recover after those.
    if (this.recovering && this.connectionsReady)
      queueMicrotask(this.onConnectionsReady);
  };
}
