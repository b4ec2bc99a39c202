import type { ChatEngine } from "./chatEngine";
import type { ChatConnection } from "./types";

export const chatVerbs = ["roomAdd", "roomLeave", "roomView", "say"] as const;
export type ChatVerb = (typeof chatVerbs)[number];

export function isChatVerb(verb: string): verb is ChatVerb {
  return (chatVerbs as readonly string[]).includes(verb);
}

/**
 * Runs a chat verb for a connection: `roomAdd room`, `roomLeave room`, `roomView room`, `say room words...`.
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
      return engine.joinRoom(connection, room);
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
