import { randomBytes } from "crypto";
import type { Redis } from "ioredis";
import type { ChatKeys } from "./keys";
import { defineChatScripts } from "./scripts/chatScripts";

export type JoinOutcome = "added" | "alreadyMember" | "noRoom";

/** A member as stored: its connection id and the JSON of its details. */
export interface StoredMember {
  id: string;
  details: string;
}

/** A member this node holds, as it restores it: joined under `generation` of its room. */
export interface HeldMember extends StoredMember {
  generation: string;
}

/**
 * Rooms and members in Redis. Each change to a room is one atomic script on the room's keys, which share
 * one hash slot. A room's key holds its generation: a fresh id each time the room is created, so what was
 * said about one life of a room is never taken for the next.
 */
export class RoomStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: ChatKeys,
  ) {
    defineChatScripts(redis);
  }

  /** 1 if created, 0 if it existed. */
  async add(room: string): Promise<number> {
    const created = await this.redis.set(
      this.keys.room(room),
      newGeneration(),
      "NX",
    );
    // The index is written whether or not the room was new, so an index entry lost in a crash comes back.
    await this.redis.sadd(this.keys.roomsIndex, room);
    return created === "OK" ? 1 : 0;
  }

  async exists(room: string): Promise<boolean> {
    return (await this.redis.exists(this.keys.room(room))) === 1;
  }

  /** The rooms that exist (the index, less any room whose destroy it has not caught up with). */
  async list(): Promise<string[]> {
    const indexed = await this.redis.smembers(this.keys.roomsIndex);
    const present = await Promise.all(indexed.map((room) => this.exists(room)));
    return indexed.filter((_, position) => present[position]);
  }

  async join(
    room: string,
    connectionId: string,
    details: string,
    nodeId: string,
  ): Promise<{ outcome: JoinOutcome; generation: string }> {
    const [result, generation] = await this.redis.ahChatJoin(
      this.keys.room(room),
      this.keys.members(room),
      this.keys.holders(room),
      connectionId,
      details,
      nodeId,
    );
    const outcome =
      result === -1 ? "noRoom" : result === 1 ? "added" : "alreadyMember";
    return { outcome, generation };
  }

  async leave(room: string, connectionId: string): Promise<boolean> {
    return (
      (await this.redis.ahChatLeave(
        this.keys.members(room),
        this.keys.holders(room),
        connectionId,
      )) === 1
    );
  }

  /** The node holding a member, or null if it is not a member. */
  holderOf(room: string, connectionId: string): Promise<string | null> {
    return this.redis.hget(this.keys.holders(room), connectionId);
  }

  /** Removes the room and its members: its generation (null if it did not exist) and the member ids by holding node. */
  async destroy(room: string): Promise<{
    generation: string | null;
    membersByNode: Map<string, string[]>;
  }> {
    const [generation, ...held] = (
      await this.redis.ahChatDestroy(
        this.keys.room(room),
        this.keys.members(room),
        this.keys.holders(room),
      )
    ).flat();
    await this.redis.srem(this.keys.roomsIndex, room);
    const membersByNode = new Map<string, string[]>();
    for (let i = 0; i < held.length; i += 2) {
      const ids = membersByNode.get(held[i + 1]) ?? [];
      ids.push(held[i]);
      membersByNode.set(held[i + 1], ids);
    }
    return { generation: generation || null, membersByNode };
  }

  /** The stored members of a room (id to JSON details), or null if the room does not exist. */
  async members(room: string): Promise<Record<string, string> | null> {
    const replies = await this.redis
      .multi()
      .exists(this.keys.room(room))
      .hgetall(this.keys.members(room))
      .exec();
    if (!replies) throw new Error(`reading room "${room}" was aborted`);
    for (const [error] of replies) if (error) throw error;
    const [[, isRoom], [, members]] = replies as [
      [null, number],
      [null, Record<string, string>],
    ];
    return isRoom === 1 ? members : null;
  }

  /** Removes the members a node holds in a room (only `connectionIds`, when given); returns those this call removed. */
  async reap(
    room: string,
    holderNodeId: string,
    connectionIds: readonly string[] = [],
  ): Promise<StoredMember[]> {
    const removed = (
      await this.redis.ahChatReap(
        this.keys.members(room),
        this.keys.holders(room),
        holderNodeId,
        ...connectionIds,
      )
    ).flat();
    const members: StoredMember[] = [];
    for (let i = 0; i < removed.length; i += 2)
      members.push({ id: removed[i], details: removed[i + 1] });
    return members;
  }

  /**
   * Writes back what this node holds in a room, and forgets what it no longer holds. A room that is gone
   * is created again if `recreate` (Redis lost it), else it was destroyed. Returns the ids of the members
   * whose life of the room has ended (destroyed, and maybe created again, since they joined).
   */
  async restore(
    room: string,
    nodeId: string,
    members: readonly HeldMember[],
    recreate: boolean,
  ): Promise<string[]> {
    const joined = members.filter((member) => member.generation !== "");
    const generationIfLost = recreate
      ? (joined[joined.length - 1]?.generation ?? newGeneration())
      : "";
    const ended = (
      await this.redis.ahChatRestore(
        this.keys.room(room),
        this.keys.members(room),
        this.keys.holders(room),
        generationIfLost,
        nodeId,
        ...members.flatMap(({ id, details, generation }) => [
          id,
          details,
          generation,
        ]),
      )
    ).flat();
    if (recreate) await this.redis.sadd(this.keys.roomsIndex, room);
    return ended;
  }
}

/** An id for one life of a room: never the same twice. */
function newGeneration() {
  return `${Date.now().toString(36)}.${randomBytes(4).toString("hex")}`;
}
