import type { ClosingReason } from "./observability/chatObserver";
import type { MessagePayload } from "./types";

/** Why the server took a member out of a room: the `notice` of the message it is sent. */
export type RemovalNotice = "roomDestroyed" | "memberRemoved";

/** A message from the server to a member it took out of a room. */
export interface RemovalPayload extends MessagePayload {
  from: "0";
  context: "user";
  notice: RemovalNotice;
}

const texts: Record<RemovalNotice, (room: string) => string> = {
  roomDestroyed: (room) => `room "${room}" was destroyed`,
  memberRemoved: (room) => `removed from room "${room}"`,
};

/**
 * What a member is sent when the server takes it out of a room: a message from "0", as actionhero's
 * own chat sends one, whose `notice` says why, so that a client need not read the text.
 */
export function removalPayload(
  notice: RemovalNotice,
  room: string,
): RemovalPayload {
  return {
    message: texts[notice](room),
    room,
    from: "0",
    context: "user",
    sentAt: Date.now(),
    notice,
  };
}

/** The notice of a message that takes its receiver out of its room, if it is one. */
export function removalNotice(
  payload: MessagePayload,
): RemovalNotice | undefined {
  const { from, notice } = payload;
  return from === "0" && Object.keys(texts).includes(String(notice))
    ? (notice as RemovalNotice)
    : undefined;
}

/**
 * The last message of a connection the plugin closes itself. It is about the connection, not a room:
 * it has no `room`, and its context is `api`, as actionhero's own welcome and goodbye.
 */
export interface ClosingPayload {
  message: string;
  from: "0";
  context: "api";
  sentAt: number;
  notice: "connectionClosed";
  reason: ClosingReason;
}

const closingTexts: Record<ClosingReason, string> = {
  flood: "connection closed: it went on saying far past the rate limit",
  slow_reader:
    "connection closed: more than maxWriteBuffer bytes sent to it waited unread",
  node_write_budget:
    "connection closed: the server held more unsent output than its budget, and this connection held among the most of it",
};

/** What a connection is sent just before the plugin closes it: `reason` says why, for programs. */
export function closingPayload(reason: ClosingReason): ClosingPayload {
  return {
    message: closingTexts[reason],
    from: "0",
    context: "api",
    sentAt: Date.now(),
    notice: "connectionClosed",
    reason,
  };
}
