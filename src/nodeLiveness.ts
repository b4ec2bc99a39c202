import type { RedisConnection } from "./redisConnection";
import type { ChatKeys } from "./keys";

/**
 * This node's liveness in Redis, and what it tells of the others. Each node keeps a key that expires
 * `timeout` ms after its last refresh, holding the run ids of the Redis servers it last wrote its
 * members back to, and a set of the rooms it may hold members in, so that the survivors can find them
 * when it dies.
 */
export class NodeLiveness {
  /** What the liveness key holds: the run ids of the Redis servers this node last recovered against. */
  redisRunIds = "";
  /** When this node last wrote its liveness key (ms since the epoch); null before the first time. */
  refreshedAt: number | null = null;
  private readonly notedRooms = new Map<string, Promise<unknown>>();

  constructor(
    private readonly redis: RedisConnection,
    private readonly keys: ChatKeys,
    readonly nodeId: string,
    readonly timeout: number,
  ) {}

  async register() {
    await Promise.all([
      this.redis.set(
        this.keys.node(this.nodeId),
        this.redisRunIds,
        "PX",
        this.timeout,
      ),
      this.redis.sadd(this.keys.nodes, this.nodeId),
    ]);
    this.refreshedAt = Date.now();
  }

  /**
   * Refreshes the liveness key; false if it had expired or the node was dropped from the registry (the
   * last step of reaping it), when the other nodes may have reaped this node's members.
   */
  async refresh(): Promise<boolean> {
    const [kept, registered] = await Promise.all([
      this.redis.set(
        this.keys.node(this.nodeId),
        this.redisRunIds,
        "PX",
        this.timeout,
        "XX",
      ),
      this.redis.sismember(this.keys.nodes, this.nodeId),
    ]);
    if (kept === "OK" && registered === 1) {
      this.refreshedAt = Date.now();
      return true;
    }
    await this.register();
    return false;
  }

  /** Removes every trace of this node, once it holds no member. */
  async deregister() {
    this.notedRooms.clear();
    // One key per command: in a Redis Cluster a node's keys may be on different slots.
    await Promise.all([
      this.redis.del(this.keys.node(this.nodeId)),
      this.redis.del(this.keys.nodeRooms(this.nodeId)),
      this.redis.srem(this.keys.nodes, this.nodeId),
    ]);
  }

  async isAlive(nodeId: string): Promise<boolean> {
    return (await this.redis.exists(this.keys.node(nodeId))) === 1;
  }

  /** The other registered nodes: the Redis run ids of those alive, and the ids of those whose liveness expired. */
  async otherNodes(): Promise<{ alive: Map<string, string>; dead: string[] }> {
    const ids = (await this.redis.smembers(this.keys.nodes)).filter(
      (id) => id !== this.nodeId,
    );
    const runIds = await Promise.all(
      ids.map((id) => this.redis.get(this.keys.node(id))),
    );
    const alive = new Map<string, string>();
    const dead: string[] = [];
    ids.forEach((id, position) => {
      const nodeRunIds = runIds[position];
      if (nodeRunIds === null) dead.push(id);
      else alive.set(id, nodeRunIds);
    });
    return { alive, dead };
  }

  /** Records that this node holds members in a room; written once, before the first member's join. */
  noteRoom(room: string): Promise<unknown> {
    let noting = this.notedRooms.get(room);
    if (!noting) {
      noting = this.redis.sadd(this.keys.nodeRooms(this.nodeId), room);
      this.notedRooms.set(room, noting);
    }
    return noting;
  }

  /** Records that this node holds no member in a room any more. Send it after the last member's leave. */
  unnoteRoom(room: string): Promise<unknown> {
    this.notedRooms.delete(room);
    return this.redis.srem(this.keys.nodeRooms(this.nodeId), room);
  }

  /** The rooms a node may hold members in. */
  roomsOf(nodeId: string): Promise<string[]> {
    return this.redis.smembers(this.keys.nodeRooms(nodeId));
  }

  /** Clears what was noted, so that the next join notes its room again (after Redis lost it). */
  clearNotedRooms() {
    this.notedRooms.clear();
  }
}
