import type { Redis } from "ioredis";
import type { ChatKeys } from "./keys";

/** Adds the member if the room exists: -1 no room, 1 added, 0 already a member. */
const joinScript = `
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 0 then return -1 end
return redis.call('HSETNX', KEYS[2], ARGV[2], ARGV[3])`;

/** Removes the room and all its members at once: {1 if it existed, member ids...}. */
const destroyScript = `
local removed = redis.call('SREM', KEYS[1], ARGV[1])
local ids = redis.call('HKEYS', KEYS[2])
redis.call('DEL', KEYS[2])
table.insert(ids, 1, removed)
return ids`;

interface ScriptedRedis extends Redis {
  ahChatJoin(
    roomsKey: string,
    membersKey: string,
    room: string,
    id: string,
    details: string,
  ): Promise<number>;
  ahChatDestroy(
    roomsKey: string,
    membersKey: string,
    room: string,
  ): Promise<[number, ...string[]]>;
}

export type JoinOutcome = "added" | "alreadyMember" | "noRoom";

/** Rooms and members in Redis. Every change is one atomic command or script. */
export class RoomStore {
  private readonly redis: ScriptedRedis;

  constructor(
    redis: Redis,
    private readonly keys: ChatKeys,
  ) {
    redis.defineCommand("ahChatJoin", { numberOfKeys: 2, lua: joinScript });
    redis.defineCommand("ahChatDestroy", {
      numberOfKeys: 2,
      lua: destroyScript,
    });
    this.redis = redis as ScriptedRedis;
  }

  /** 1 if created, 0 if it existed. */
  add(room: string): Promise<number> {
    return this.redis.sadd(this.keys.rooms, room);
  }

  async exists(room: string): Promise<boolean> {
    return (await this.redis.sismember(this.keys.rooms, room)) === 1;
  }

  list(): Promise<string[]> {
    return this.redis.smembers(this.keys.rooms);
  }

  async join(
    room: string,
    connectionId: string,
    details: string,
  ): Promise<JoinOutcome> {
    const result = await this.redis.ahChatJoin(
      this.keys.rooms,
      this.keys.members(room),
      room,
      connectionId,
      details,
    );
    if (result === -1) return "noRoom";
    return result === 1 ? "added" : "alreadyMember";
  }

  async leave(room: string, connectionId: string): Promise<boolean> {
    return (await this.redis.hdel(this.keys.members(room), connectionId)) === 1;
  }

  /** Removes one connection from many rooms in one round trip. */
  async leaveRooms(connectionId: string, rooms: readonly string[]) {
    if (rooms.length === 0) return;
    const transaction = this.redis.multi();
    for (const room of rooms)
      transaction.hdel(this.keys.members(room), connectionId);
    await transaction.exec();
  }

  async isMember(room: string, connectionId: string): Promise<boolean> {
    return (
      (await this.redis.hexists(this.keys.members(room), connectionId)) === 1
    );
  }

  async destroy(
    room: string,
  ): Promise<{ existed: boolean; memberIds: string[] }> {
    const [removed, ...memberIds] = await this.redis.ahChatDestroy(
      this.keys.rooms,
      this.keys.members(room),
      room,
    );
    return { existed: Number(removed) === 1, memberIds: memberIds.map(String) };
  }

  /** The stored members of a room (id to JSON details), or null if the room does not exist. */
  async members(room: string): Promise<Record<string, string> | null> {
    const replies = await this.redis
      .multi()
      .sismember(this.keys.rooms, room)
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
}
