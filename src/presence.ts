import type { ChatObserver } from "./observability/chatObserver";
import { trace } from "./observability/trace";
import {
  parseDetails,
  type RemovedMember,
  type RoomStore,
  type StoredMember,
} from "./roomStore";
import type {
  ChatLogger,
  MaybePromise,
  MemberDetails,
  PresenceEvent,
  PresencePayload,
} from "./types";

export type { PresenceEvent, PresencePayload };

/** Who is in a room: each presence key once, with how many connections it has there. */
export interface RoomPresenceStatus {
  room: string;
  count: number;
  members: Record<
    string,
    { key: string; connections: number; [detail: string]: unknown }
  >;
}

export interface RoomPresenceParts {
  store: RoomStore;
  /** Sends a payload to every member of the room, on every node. */
  publish(room: string, json: string): Promise<unknown>;
  /** Whether members are sent presence events (`config.chat.presence.events`). */
  events: boolean;
  sanitize(details: MemberDetails): MaybePromise<Record<string, unknown>>;
  log: ChatLogger;
  observer: ChatObserver;
}

/** The JSON of a presence event starts so, which tells it from a message without parsing it. */
const presenceJsonStart = '{"context":"presence"';

export function isPresenceJson(json: string) {
  return json.startsWith(presenceJsonStart);
}

/**
 * A room's presence: who is there, counted by presence key (many connections of one user are one
 * presence). Redis counts each key's connections in the same script that adds or removes a member, so
 * a key's first join and last leave are decided once, whichever nodes they happen on.
 */
export class RoomPresence {
  constructor(private readonly parts: RoomPresenceParts) {}

  /** Tells the room's members that a presence key joined or left; a failure is logged, not thrown. */
  async announce(
    room: string,
    event: PresenceEvent,
    key: string,
    details: MemberDetails,
  ) {
    if (!this.parts.events) return;
    try {
      const payload: PresencePayload = {
        context: "presence",
        event,
        room,
        key,
        member: await this.parts.sanitize(details),
        sentAt: Date.now(),
      };
      await this.parts.publish(room, JSON.stringify(payload));
      this.parts.observer.presenceEvent(event);
      trace.membership("room %s: presence %s of %s", room, event, key);
    } catch (error) {
      this.parts.log(
        `could not announce that "${key}" ${event === "join" ? "joined" : "left"} room "${room}"`,
        "warning",
        { error: String(error) },
      );
    }
  }

  /** Announces a presence change of a member, from the details it stored. */
  announceStored(
    room: string,
    event: PresenceEvent,
    key: string,
    member: StoredMember,
  ) {
    return this.announce(
      room,
      event,
      key,
      parseDetails(member.id, member.details),
    );
  }

  /** Announces the leave of each removed member that was its presence key's last connection. */
  async announceLeaves(room: string, removed: readonly RemovedMember[]) {
    for (const member of removed)
      if (member.presenceLeft !== null)
        await this.announceStored(room, "leave", member.presenceLeft, member);
  }

  /** Who is in the room; null if the room does not exist. */
  async status(room: string): Promise<RoomPresenceStatus | null> {
    const stored = await this.parts.store.presenceOf(room);
    if (!stored) return null;
    const firstOfKey = new Map<string, MemberDetails>();
    const connections = new Map<string, number>();
    for (const [id, key] of Object.entries(stored.presenceKeys)) {
      const details = parseDetails(id, stored.members[id]);
      connections.set(key, (connections.get(key) ?? 0) + 1);
      const first = firstOfKey.get(key);
      if (!first || (details.joinedAt ?? 0) < (first.joinedAt ?? 0))
        firstOfKey.set(key, details);
    }
    const members: RoomPresenceStatus["members"] = {};
    for (const [key, details] of firstOfKey)
      members[key] = {
        ...(await this.parts.sanitize(details)),
        key,
        connections: connections.get(key) ?? 0,
      };
    return { room, count: firstOfKey.size, members };
  }
}
