import { randomBytes } from "crypto";
import type { RedisConnection } from "./redisConnection";
import type { ChatKeys } from "./keys";
import type { MemberDetails } from "./types";
import { defineChatScripts } from "./scripts/chatScripts";

export type JoinOutcome = "added" | "alreadyMember" | "noRoom";

/** A member as stored: its connection id and the JSON of its details. */
export interface StoredMember {
  id: string;
  details: string;
}

/** A member removed by reaping: and its presence key, if that was the key's last connection in the room. */
export interface RemovedMember extends StoredMember {
  presenceLeft: string | null;
}

/** Whether a connection was a member, and its presence key if it was the key's last connection in the room. */
export interface LeaveOutcome {
  removed: boolean;
  presenceLeft: string | null;
}

/**
 * The most members one leave script removes: its reply is built by one `unpack`, which Redis bounds
 * (8000 values, two per member), and a short script keeps Redis answering its other clients.
 */
const leavesPerCall = 1000;

/** A member this node holds, as it restores it: joined under `generation` of its room, present as `presenceKey`. */
export interface HeldMember extends StoredMember {
  generation: string;
  presenceKey: string;
}

/**
 * Rooms and members in Redis. Each change to a room is one atomic script on the room's keys, which share
 * one hash slot. A room's key holds its generation: a fresh id each time the room is created, so what was
 * said about one life of a room is never taken for the next.
 */
export class RoomStore {
  constructor(
    private readonly redis: RedisConnection,
    private readonly keys: ChatKeys,
  ) {
    defineChatScripts(redis);
  }

  /** 1 if created, 0 if it existed. */
  async add(room: string): Promise<number> {
    const created = await this.redis.set(
      this.keys.room(room),
      newLifeId(),
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

  /** `presenceJoined`: the member is its presence key's first connection in the room. */
  async join(
    room: string,
    connectionId: string,
    details: string,
    nodeId: string,
    presenceKey: string,
  ): Promise<{
    outcome: JoinOutcome;
    generation: string;
    presenceJoined: boolean;
  }> {
    const [result, generation, first] = await this.redis.ahChatJoin(
      ...this.roomKeys(room),
      connectionId,
      details,
      nodeId,
      presenceKey,
    );
    const outcome =
      result === -1 ? "noRoom" : result === 1 ? "added" : "alreadyMember";
    return { outcome, generation, presenceJoined: first === 1 };
  }

  /** One connection leaves a room. */
  async leave(room: string, connectionId: string): Promise<LeaveOutcome> {
    const [outcome] = await this.leaveMany(room, [connectionId]);
    return outcome;
  }

  /**
   * Many connections leave a room, one after another: one script call for up to `leavesPerCall` of
   * them. Their outcomes, in the order of `connectionIds`.
   */
  async leaveMany(
    room: string,
    connectionIds: readonly string[],
  ): Promise<LeaveOutcome[]> {
    const calls: Promise<(number | string)[]>[] = [];
    for (let i = 0; i < connectionIds.length; i += leavesPerCall)
      calls.push(
        this.redis.ahChatLeave(
          ...this.memberKeys(room),
          ...connectionIds.slice(i, i + leavesPerCall),
        ),
      );
    const flat = (await Promise.all(calls)).flat();
    const outcomes: LeaveOutcome[] = [];
    for (let i = 0; i < flat.length; i += 2)
      outcomes.push({
        removed: flat[i] === 1,
        presenceLeft: String(flat[i + 1]) || null,
      });
    return outcomes;
  }

  /** How many connections a presence key has in the room. */
  async connectionsOf(room: string, presenceKey: string): Promise<number> {
    return Number(
      (await this.redis.hget(this.keys.presence(room), presenceKey)) ?? 0,
    );
  }

  /** Each member's presence key and details, or null if the room does not exist. */
  async presenceOf(room: string): Promise<{
    presenceKeys: Record<string, string>;
    members: Record<string, string>;
  } | null> {
    const replies = await this.redis
      .multi()
      .exists(this.keys.room(room))
      .hgetall(this.keys.presenceKeys(room))
      .hgetall(this.keys.members(room))
      .exec();
    const [isRoom, presenceKeys, members] = results(room, replies) as [
      number,
      Record<string, string>,
      Record<string, string>,
    ];
    return isRoom === 1 ? { presenceKeys, members } : null;
  }

  /** The node holding a member, or null if it is not a member. */
  holderOf(room: string, connectionId: string): Promise<string | null> {
    return this.redis.hget(this.keys.holders(room), connectionId);
  }

  /** Which node holds each member of a room: connection id to node id. */
  holders(room: string): Promise<Record<string, string>> {
    return this.redis.hgetall(this.keys.holders(room));
  }

  /** Removes the room and its members: its generation (null if it did not exist) and the member ids by holding node. */
  async destroy(room: string): Promise<{
    generation: string | null;
    membersByNode: Map<string, string[]>;
  }> {
    const [generation, ...held] = (
      await this.redis.ahChatDestroy(...this.roomKeys(room))
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
    const [isRoom, members] = results(room, replies) as [
      number,
      Record<string, string>,
    ];
    return isRoom === 1 ? members : null;
  }

  /** Removes the members a node holds in a room (only `connectionIds`, when given); returns those this call removed. */
  async reap(
    room: string,
    holderNodeId: string,
    connectionIds: readonly string[] = [],
  ): Promise<RemovedMember[]> {
    const removed = (
      await this.redis.ahChatReap(
        ...this.memberKeys(room),
        holderNodeId,
        ...connectionIds,
      )
    ).flat();
    return removedMembers(removed);
  }

  /**
   * Writes back what this node holds in a room, and removes what it no longer holds. A room that is gone
   * is created again if `recreate` (Redis lost it), else it was destroyed. Returns the ids of the members
   * whose life of the room has ended (destroyed, and maybe created again, since they joined), those
   * written back as their presence key's first connection, and the members removed because the node
   * no longer holds them (they left while Redis could not be told).
   */
  async restore(
    room: string,
    nodeId: string,
    members: readonly HeldMember[],
    recreate: boolean,
  ): Promise<{
    ended: string[];
    rejoined: string[];
    removed: RemovedMember[];
  }> {
    const joined = members.filter((member) => member.generation !== "");
    const generationIfLost = recreate
      ? (joined[joined.length - 1]?.generation ?? newLifeId())
      : "";
    const reply = (
      await this.redis.ahChatRestore(
        ...this.roomKeys(room),
        generationIfLost,
        nodeId,
        ...members.flatMap(({ id, details, generation, presenceKey }) => [
          id,
          details,
          generation,
          presenceKey,
        ]),
      )
    ).flat();
    if (recreate) await this.redis.sadd(this.keys.roomsIndex, room);
    const endedCount = Number(reply[0]);
    const ended = reply.slice(1, 1 + endedCount);
    const rejoinedCount = Number(reply[1 + endedCount]);
    const rejoinedFrom = 2 + endedCount;
    return {
      ended,
      rejoined: reply.slice(rejoinedFrom, rejoinedFrom + rejoinedCount),
      removed: removedMembers(reply.slice(rejoinedFrom + rejoinedCount)),
    };
  }

  /** The keys of a room's members: members, holders, presence and presence keys. */
  private memberKeys(room: string): [string, string, string, string] {
    const { keys } = this;
    return [
      keys.members(room),
      keys.holders(room),
      keys.presence(room),
      keys.presenceKeys(room),
    ];
  }

  /** The room's own key and the keys of its members. */
  private roomKeys(room: string): [string, string, string, string, string] {
    return [this.keys.room(room), ...this.memberKeys(room)];
  }
}

/** Members removed by a script, from its flat reply: connection id, JSON details, presence key left or "". */
function removedMembers(flat: readonly string[]): RemovedMember[] {
  const members: RemovedMember[] = [];
  for (let i = 0; i < flat.length; i += 3)
    members.push({
      id: flat[i],
      details: flat[i + 1],
      presenceLeft: flat[i + 2] || null,
    });
  return members;
}

/** A member's stored details, with its id; what cannot be read is just the id. */
export function parseDetails(
  id: string,
  json: string | undefined,
): MemberDetails {
  try {
    return { ...(JSON.parse(json ?? "{}") as MemberDetails), id };
  } catch {
    return { id };
  }
}

/** The replies of a transaction that reads a room; a failed command throws. */
export function results(
  room: string,
  replies: [Error | null, unknown][] | null,
): unknown[] {
  if (!replies) throw new Error(`reading room "${room}" was aborted`);
  return replies.map(([error, reply]) => {
    if (error) throw error;
    return reply;
  });
}

/** An id for one life of a room (or of its history): never the same twice. */
export function newLifeId() {
  return `${Date.now().toString(36)}.${randomBytes(4).toString("hex")}`;
}
