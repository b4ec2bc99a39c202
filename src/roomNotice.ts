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
