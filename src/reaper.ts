import { trace } from "./observability/trace";
import type { RedisConnection } from "./redisConnection";
import type { ChatKeys } from "./keys";
import type { RemovedMember, RoomStore } from "./roomStore";
import type { ChatLogger } from "./types";

export type ReapedHandler = (
  room: string,
  member: RemovedMember,
) => Promise<void>;

/**
 * Removes the members of a dead node. One survivor claims the node; whoever runs the reap script for a
 * member first gets it back and nobody after, so each membership is reaped, and reported, exactly once
 * even if two survivors overlap (a claim that expired with its survivor).
 */
export class Reaper {
  constructor(
    private readonly redis: RedisConnection,
    private readonly keys: ChatKeys,
    private readonly store: RoomStore,
    private readonly nodeId: string,
    private readonly claimTimeout: number,
    private readonly onReaped: ReapedHandler,
    private readonly log: ChatLogger,
  ) {}

  /** Reaps every member of a dead node, unless another survivor has claimed it. Returns how many it reaped. */
  async reapNode(deadNodeId: string): Promise<number> {
    const claim = this.keys.nodeReaper(deadNodeId);
    const claimed = await this.redis.set(
      claim,
      this.nodeId,
      "PX",
      this.claimTimeout,
      "NX",
    );
    if (claimed !== "OK") {
      trace.reap("node %s is dead; another node reaps it", deadNodeId);
      return 0;
    }
    trace.reap("node %s is dead: reaping its members", deadNodeId);
    let reaped = 0;
    const rooms = await this.redis.smembers(this.keys.nodeRooms(deadNodeId));
    for (const room of rooms)
      reaped += await this.reapMembers(room, deadNodeId);
    // One key per command: in a Redis Cluster these keys may be on different slots.
    await Promise.all([
      this.redis.del(this.keys.nodeRooms(deadNodeId)),
      this.redis.del(claim),
      this.redis.srem(this.keys.nodes, deadNodeId),
    ]);
    this.log(
      `reaped ${reaped} members of dead node "${deadNodeId}" in ${rooms.length} rooms`,
      "notice",
    );
    return reaped;
  }

  /** Reaps members a node holds in one room (only `connectionIds`, when given). Returns how many this call removed. */
  async reapMembers(
    room: string,
    holderNodeId: string,
    connectionIds: readonly string[] = [],
  ): Promise<number> {
    const members = await this.store.reap(room, holderNodeId, connectionIds);
    trace.reap(
      "room %s: reaped %d members of node %s",
      room,
      members.length,
      holderNodeId,
    );
    for (const member of members) await this.onReaped(room, member);
    return members.length;
  }
}
