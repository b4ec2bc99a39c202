import { defaultChatConfig } from "../src/config";
import { chatVerbRequest } from "../src/chatVerbs";
import { jsonRequestProblem } from "../src/requestGuard";

/** The verbs a socket client may send; any other word is the name of an action. */
export const socketVerbs = [
  "quit",
  "exit",
  "paramAdd",
  "paramDelete",
  "paramView",
  "paramsView",
  "paramsDelete",
  "roomAdd",
  "roomLeave",
  "roomView",
  "detailsView",
  "say",
] as const;

/** One line from a socket client, understood. */
export type SocketRequest =
  | { kind: "empty" }
  | { kind: "verb"; verb: string; words: unknown[] }
  | { kind: "action"; name: string; params?: Record<string, unknown> }
  | { kind: "invalid"; error: string };

/**
 * A line is either JSON (`{"event": "roomAdd", "room": "lobby"}` for a verb,
 * `{"action": "name", "params": {...}}` for an action with just those params) or words:
 * a verb and its words, or else the name of an action to run with the connection's params.
 */
export function parseRequest(
  line: string,
  verbs: readonly string[] = socketVerbs,
  maxDepth = defaultChatConfig.maxRequestDepth,
): SocketRequest {
  const text = line.trim();
  if (text.length === 0) return { kind: "empty" };
  if (text.startsWith("{")) return parseJsonRequest(text, maxDepth);
  const [first, ...words] = text.split(/\s+/);
  return verbs.includes(first)
    ? { kind: "verb", verb: first, words }
    : { kind: "action", name: first };
}

function parseJsonRequest(text: string, maxDepth: number): SocketRequest {
  let request: unknown;
  try {
    request = JSON.parse(text);
  } catch (error) {
    return {
      kind: "invalid",
      error: `malformed JSON: ${(error as Error).message}`,
    };
  }
  const problem = jsonRequestProblem(request, maxDepth);
  if (problem) return { kind: "invalid", error: problem };
  const { event, action, params, room, ...rest } = chatVerbRequest(
    request as Record<string, unknown>,
  );
  if (typeof event === "string") {
    // As actionhero's websocket server does: the room first, then the other values in order
    // (a `say` or `roomAdd` keeps only its own).
    const values = Object.values(rest).filter((value) => value !== undefined);
    const words = room === undefined ? values : [room, ...values];
    return { kind: "verb", verb: event, words };
  }
  if (typeof action === "string") {
    if (
      params !== undefined &&
      (typeof params !== "object" || params === null || Array.isArray(params))
    ) {
      return { kind: "invalid", error: '"params" must be an object' };
    }
    return {
      kind: "action",
      name: action,
      params: (params ?? {}) as Record<string, unknown>,
    };
  }
  return {
    kind: "invalid",
    error: 'a JSON request needs an "event" (a verb) or an "action"',
  };
}
