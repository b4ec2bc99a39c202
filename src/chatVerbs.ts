import type { ChatEngine } from "./chatEngine";
import type { ChatConnection } from "./types";

export const chatVerbs = ["roomAdd", "roomLeave", "roomView", "say"] as const;
export type ChatVerb = (typeof chatVerbs)[number];

export function isChatVerb(verb: string): verb is ChatVerb {
  return (chatVerbs as readonly string[]).includes(verb);
}

/**
 * A chat verb's JSON request with only its own fields: a `say` its room and message, a `roomAdd` its
 * room and `since` (and `messageId`, for the websocket server); a field not sent is `undefined`.
 * Actionhero would join every other value into the verb's words, in the order sent.
 */
export function chatVerbRequest(
  request: Record<string, unknown>,
): Record<string, unknown> {
  const { event, room, message, since, messageId } = request;
  if (event === "say") return { event, room, message, messageId };
  if (event === "roomAdd") return { event, room, since, messageId };
  return request;
}

/**
 * Runs a chat verb for a connection: `roomAdd room [since]`, `roomLeave room`, `roomView room`,
 * `say room words...`. `roomAdd` with the id of the last message the client has also sends it what it
 * missed, and answers `{recovered}`.
 * `say` with one value after the room sends that value as it is (a websocket client may send an object);
 * with several words it sends them joined by spaces, as a line protocol splits them.
 */
export function runChatVerb(
  engine: ChatEngine,
  connection: ChatConnection,
  verb: ChatVerb,
  words: unknown[],
) {
  const room = words[0] as string;
  switch (verb) {
    case "roomAdd":
      return words[1] === undefined || words[1] === null || words[1] === ""
        ? engine.joinRoom(connection, room)
        : engine.joinRoom(connection, room, String(words[1]));
    case "roomLeave":
      return engine.leaveRoom(connection, room);
    case "roomView":
      return engine.viewRoom(connection, room);
    case "say": {
      const rest = words.slice(1);
      const message = rest.length === 1 ? rest[0] : rest.join(" ");
      return engine.broadcast(connection, room, message);
    }
  }
}
