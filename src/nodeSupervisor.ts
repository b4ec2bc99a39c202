import { trace } from "./observability/trace";
import { serversOf, type RedisConnection } from "./redisConnection";
import type { ChatAvailability } from "./availability";
import type { ChatControl } from "./controlProtocol";
import type { LocalRoomIndex } from "./localRoomIndex";
import type { MembershipRestore } from "./membershipRestore";
import type { NodeLiveness } from "./nodeLiveness";
import type { ChatPubSub } from "./pubSub";
import type { Reaper } from "./reaper";
import type { ChatLogger } from "./types";

export interface NodeSupervisorParts {
  liveness: NodeLiveness;
  reaper: Reaper;
  restore: MembershipRestore;
  pubSub: ChatPubSub;
  control: ChatControl;
  availability: ChatAvailability;
  index: LocalRoomIndex;
  /** The store's connection and the publisher's (the pub/sub server), whose run ids make this node's mark. */
  redis: { client: RedisConnection; publisher: RedisConnection };
  log: ChatLogger;
}

/** Settles a wait for peers when this node stops. */
const stopping = "";

/**
 * Keeps what this node holds true in Redis: it refreshes the node's liveness every third of
 * `nodeTimeout`, reaps the nodes whose liveness expired, and recovers after Redis was unreachable:
 * resubscribes, writes its members back, and, when Redis itself restarted, waits (at most
 * `nodeTimeout`) for the other nodes to have recovered too before answering OK to messages again,
 * since until then their members might not hear them.
 */
export class NodeSupervisor {
  private timer?: NodeJS.Timeout;
  /** The other live nodes and the Redis run ids they last recovered against, as of the last sweep or their word. */
  private peers = new Map<string, string>();
  private readonly peerWaiters = new Map<
    string,
    (redisRunIds: string) => void
  >();
  private sweepAfter = 0;
  private recovering?: Promise<void>;

  constructor(private readonly parts: NodeSupervisorParts) {}

  async start() {
    const { liveness, availability, log } = this.parts;
    availability.whenReachable(
      () =>
        void this.recover().catch((error: unknown) =>
          log(
            "recovery after a Redis outage failed; it is tried again",
            "warning",
            { error: String(error) },
          ),
        ),
    );
    liveness.redisRunIds = await this.redisRunIds();
    availability.noteMasters();
    await liveness.register();
    await this.sweep();
    await this.parts.control.notify("nodeReady", {
      redisRunIds: liveness.redisRunIds,
    });
    this.timer = setInterval(() => void this.tick(), liveness.timeout / 3);
    this.timer.unref();
  }

  stop() {
    clearInterval(this.timer);
    for (const settle of this.peerWaiters.values()) settle(stopping);
  }

  /** Recovers after an outage, once; a call while it runs waits for that run. */
  recover(): Promise<void> {
    this.recovering ??= this.runRecovery().finally(() => {
      this.recovering = undefined;
    });
    return this.recovering;
  }

  /** Another node says it is ready (started, or recovered) on the Redis servers of `redisRunIds`. */
  peerReady(nodeId: string, redisRunIds: string) {
    this.peers.set(nodeId, redisRunIds);
    this.peerWaiters.get(nodeId)?.(redisRunIds);
  }

  private async tick() {
    const { availability, liveness, restore, log } = this.parts;
    try {
      if (availability.needsRecovery) {
        if (availability.connectionsReady) await this.recover();
        return;
      }
      const refreshed = await liveness.refresh();
      // Before anything is read from Redis: a replaced master may lack what this tick would read.
      await this.checkRedisReplaced();
      if (availability.needsRecovery) return;
      if (!refreshed) {
        log(
          "this node's liveness had expired (other nodes may have reaped its members): writing them back",
          "warning",
        );
        await restore.restore(false);
        await restore.announcePresence();
      } else if (restore.needed) {
        await restore.restore(false);
        await restore.announcePresence();
      }
      if (Date.now() >= this.sweepAfter) await this.sweep();
    } catch (error) {
      log("node upkeep failed; it is tried again", "debug", {
        error: String(error),
      });
    }
  }

  /**
   * A cluster's master may be replaced by its replica without this node's connections having seen
   * it go (it had nothing on it): the masters' run ids tell. A master that does not answer, or a view
   * of the cluster that is changing, tells nothing yet: lost connections report themselves.
   */
  private async checkRedisReplaced() {
    const { availability, liveness, log } = this.parts;
    if (availability.needsRecovery) return;
    try {
      if ((await this.redisRunIds()) !== liveness.redisRunIds)
        availability.reportOutage();
    } catch (error) {
      log("could not read the Redis run ids; read again later", "debug", {
        error: String(error),
      });
    }
  }

  private async sweep() {
    const { alive, dead } = await this.parts.liveness.otherNodes();
    this.peers = alive;
    for (const nodeId of dead) await this.parts.reaper.reapNode(nodeId);
  }

  private async runRecovery() {
    const { availability, liveness, pubSub, restore, control, index, log } =
      this.parts;
    const outages = availability.outages;
    const redisRunIds = await this.redisRunIds();
    // A restarted Redis (or a replica that took over) may have lost rooms; one that kept running lost
    // none, so a room gone from it was destroyed. Compared with the last recovery that completed.
    const restarted = redisRunIds !== liveness.redisRunIds;
    trace.redis("recovery: Redis %s", restarted ? "restarted" : "kept running");
    await pubSub.resubscribe(index.roomNames());
    trace.redis("recovery: resubscribed %d rooms", index.roomNames().length);
    await restore.restore(restarted);
    trace.redis("recovery: members written back");
    liveness.redisRunIds = redisRunIds;
    availability.noteMasters();
    await liveness.register();
    await control.notify("nodeReady", {
      redisRunIds: liveness.redisRunIds,
    });
    trace.redis("recovery: registered and told the other nodes");
    if (restarted) {
      await this.waitForPeers(liveness.redisRunIds);
      trace.redis("recovery: the other nodes have recovered too");
    }
    await restore.announcePresence();
    // Give the other nodes a full nodeTimeout to refresh their liveness before any is taken for dead.
    this.sweepAfter = Date.now() + liveness.timeout;
    availability.recovered(outages);
    log(
      `chat recovered after Redis was unreachable${restarted ? " (Redis had restarted)" : ""}: members written back, channels resubscribed`,
      "notice",
    );
  }

  /** Until every known peer has recovered against these Redis servers, the node stops, or `nodeTimeout` passes. */
  private async waitForPeers(redisRunIds: string) {
    const { liveness } = this.parts;
    const waits = [...this.peers.keys()].map(
      (nodeId) =>
        new Promise<void>((resolve) =>
          this.peerWaiters.set(nodeId, (peerRunIds) => {
            if (peerRunIds === redisRunIds || peerRunIds === stopping)
              resolve();
          }),
        ),
    );
    const { alive } = await liveness.otherNodes();
    for (const [nodeId, peerRunIds] of alive)
      this.peerReady(nodeId, peerRunIds);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(waits),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, liveness.timeout);
      }),
    ]);
    clearTimeout(timer);
    this.peerWaiters.clear();
  }

  /**
   * The run ids of the store's and the pub/sub's Redis servers (a cluster's masters): they change when
   * one restarts, or a replica takes over from a master.
   */
  private async redisRunIds() {
    const { client, publisher } = this.parts.redis;
    const ids = await Promise.all(
      [...new Set([client, publisher])].map(async (connection) => {
        const servers = await Promise.all(
          serversOf(connection).map(async (server) => {
            const info = String(await server.info("server"));
            return /run_id:(\w+)/.exec(info)?.[1] ?? "memory";
          }),
        );
        return servers.sort().join(",");
      }),
    );
    return ids.join("/");
  }
}
