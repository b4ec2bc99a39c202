import {
  coalesceCommandsForThisTurn,
  isCluster,
  type RedisConnection,
} from "./redisConnection";
import type { ChatKeys } from "./keys";
import { newGeneration, results } from "./roomStore";
import type { MessagePayload } from "./types";

/** `config.chat.history`: each room keeps its last `size` messages for `ttl` seconds. `size` 0 is off. */
export interface HistoryConfig {
  size: number;
  ttl: number;
}

export interface HistoryQuery {
  /** Only the messages after the one with this id. */
  since?: string;
  /** At most this many: the newest. */
  limit?: number;
}

export interface HistoryPage {
  /** Oldest first. */
  messages: MessagePayload[];
  /**
   * Whether nothing is missing: every message after `since` (without it, every message of the
   * history's life) is here. False when the history was trimmed or expired past it, lost with Redis, or
   * cut by `limit`.
   */
  complete: boolean;
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
    coalesceCommandsForThisTurn(this.redis);
    return this.redis.ahChatPublishWithHistory(
      this.keys.history(room),
      this.keys.historyState(room),
      this.keys.roomChannel(room),
      json,
      this.config.size + 1,
      this.config.ttl * 1000,
      newGeneration(),
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

  /** Forgets a room's history (the room was destroyed): its next message starts a new epoch. */
  async clear(room: string) {
    await this.redis.del(this.keys.history(room), this.keys.historyState(room));
  }

  async read(room: string, query: HistoryQuery = {}): Promise<HistoryPage> {
    const replies = await this.redis
      .multi()
      .hget(this.keys.historyState(room), "epoch")
      .xrange(this.keys.history(room), "-", "+")
      .exec();
    const [epoch, stream] = results(room, replies) as [
      string | null,
      [string, string[]][],
    ];
    const entries = stream.map(([entryId, fields]) => ({
      sequence: Number(entryId.split("-")[0]),
      json: fields[1],
    }));
    const kept = entries.slice(-this.config.size);
    let messages = kept;
    let complete: boolean;
    if (query.since === undefined) {
      complete =
        kept.length === 0 || (kept[0].sequence === 1 && unbroken(kept));
    } else {
      const since = parseMessageId(query.since);
      const position =
        since && epoch !== null && since.epoch === epoch
          ? entries.findIndex((entry) => entry.sequence === since.sequence)
          : -1;
      complete = position >= 0 && unbroken(entries.slice(position));
      messages = position >= 0 ? entries.slice(position + 1) : kept;
    }
    const limit = query.limit ?? this.config.size;
    if (messages.length > limit) {
      messages = limit > 0 ? messages.slice(-limit) : [];
      complete = false;
    }
    return {
      messages: messages.map(({ json }) => JSON.parse(json) as MessagePayload),
      complete,
    };
  }
}
