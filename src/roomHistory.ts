import {
  corkCommandsForThisTurn,
  isCluster,
  type RedisConnection,
} from "./redisConnection";
import type { ChatKeys } from "./keys";
import { chatErrors } from "./errors";
import { newLifeId } from "./roomStore";
import type { MessagePayload } from "./types";

/** `config.chat.history`: each room keeps its last `size` messages for `ttl` seconds. `size` 0 is off. */
export interface HistoryConfig {
  size: number;
  ttl: number;
}

export interface HistoryQuery {
  /** Only the messages after the one with this id. */
  since?: string;
  /** At most this many: with `since`, the oldest after it (a page forward); without, the newest. */
  limit?: number;
}

export interface HistoryPage {
  /** Oldest first. */
  messages: MessagePayload[];
  /**
   * Whether nothing is missing before or among `messages`: they start right after `since` (without it,
   * at the history's first message) and no message between is gone. False when the history was trimmed
   * or expired past that start, lost with Redis, or (without `since`) `limit` left older ones out.
   */
  complete: boolean;
  /** Whether newer messages follow the last one given (`limit` cut the page): read on with it as `since`. */
  more: boolean;
}

/** Where a message is in its room's history: `<epoch>:<sequence>`. */
export interface MessagePlace {
  epoch: string;
  sequence: number;
}

export function parseMessageId(id: unknown): MessagePlace | null {
  if (typeof id !== "string") return null;
  const separator = id.lastIndexOf(":");
  const sequence = Number(id.slice(separator + 1));
  if (separator <= 0 || !Number.isSafeInteger(sequence) || sequence < 1)
    return null;
  return { epoch: id.slice(0, separator), sequence };
}

/** How far a room's sequence jumps when its last messages may have been lost: more than Redis could lose. */
const sequenceJumpAfterLoss = 1_000_000_000;

/** Whether entries are numbered without a gap (a gap: messages lost with Redis). */
function unbroken(entries: readonly { sequence: number }[]) {
  return entries.every(
    (entry, n) => n === 0 || entry.sequence === entries[n - 1].sequence + 1,
  );
}

/**
 * Rooms' recent messages, in a Redis stream per room on the Redis that carries messages. A message is
 * kept and published in one script, so what a member missed is in the history exactly when it was
 * published. One entry more than `size` is kept: the one before the oldest a client may ask for, so
 * that a `since` naming it is known to miss nothing.
 */
export class RoomHistory {
  constructor(
    private readonly redis: RedisConnection,
    private readonly keys: ChatKeys,
    private readonly config: HistoryConfig,
  ) {}

  get enabled() {
    return this.config.size > 0;
  }

  /** Keeps and publishes a message; resolves with the JSON published, which has the message's `id`. */
  publish(room: string, json: string): Promise<string> {
    corkCommandsForThisTurn(this.redis);
    return this.redis.ahChatPublishWithHistory(
      this.keys.history(room),
      this.keys.historyState(room),
      this.keys.roomChannel(room),
      json,
      this.config.size + 1,
      this.config.ttl * 1000,
      newLifeId(),
      // On a cluster the room's channel is sharded, on the master of the room's slot like its history.
      isCluster(this.redis) ? "SPUBLISH" : "PUBLISH",
    );
  }

  /**
   * Marks that a room's last messages may be lost (Redis restarted, or a replica that had not received
   * them took over): the next message's sequence jumps past any number given out before, and a `since`
   * from before the jump reads as incomplete.
   */
  async openGap(room: string) {
    await this.redis.ahChatHistoryGap(
      this.keys.historyState(room),
      sequenceJumpAfterLoss,
    );
  }

  /** Clears a room's history (the room was destroyed): its next message starts a new epoch. */
  async clear(room: string) {
    await this.redis.del(this.keys.history(room), this.keys.historyState(room));
  }

  /** With `since`, the oldest `limit` messages after it; without, the newest `limit`. Oldest first. */
  async read(room: string, query: HistoryQuery = {}): Promise<HistoryPage> {
    const { since, limit } = query;
    if (limit !== undefined && !(Number.isSafeInteger(limit) && limit >= 0))
      throw chatErrors.invalidLimit(room, limit);
    return since === undefined
      ? this.newest(room, limit)
      : this.after(room, parseMessageId(since), limit);
  }

  private async newest(room: string, limit?: number): Promise<HistoryPage> {
    const { entries, cut } = await this.entries(room, "newest", null, limit);
    const page = entries.reverse();
    return {
      messages: payloads(page),
      // It starts at the history's first message.
      complete:
        !cut && (page.length === 0 || page[0].sequence === 1) && unbroken(page),
      more: false,
    };
  }

  private async after(
    room: string,
    since: MessagePlace | null,
    limit?: number,
  ): Promise<HistoryPage> {
    const { entries, sinceKept, cut } = await this.entries(
      room,
      "after",
      since,
      limit,
    );
    return {
      messages: payloads(entries),
      // It starts right after `since`.
      complete:
        since !== null &&
        sinceKept &&
        unbroken([{ sequence: since.sequence }, ...entries]),
      more: cut,
    };
  }

  /** At most `limit` entries, read with one more to know whether `limit` cut them. */
  private async entries(
    room: string,
    from: "newest" | "after",
    since: MessagePlace | null,
    limit?: number,
  ) {
    const [sinceKept, stream] = await this.redis.ahChatHistoryPage(
      this.keys.history(room),
      this.keys.historyState(room),
      this.config.size,
      limit === undefined ? "" : String(limit + 1),
      from,
      since?.epoch ?? "",
      String(since?.sequence ?? 0),
      String((since?.sequence ?? 0) + 1),
    );
    const entries = stream.map(([entryId, fields]) => ({
      sequence: Number(entryId.split("-")[0]),
      json: fields[1],
    }));
    return {
      entries: entries.slice(0, limit),
      sinceKept: sinceKept === 1,
      cut: limit !== undefined && entries.length > limit,
    };
  }
}

function payloads(entries: readonly { json: string }[]) {
  return entries.map(({ json }) => JSON.parse(json) as MessagePayload);
}
