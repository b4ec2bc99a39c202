import type { IncomingMessage, ServerResponse } from "http";
import type { ChatEngine } from "../src/chatEngine";
import { ChatError, type ChatErrorCode } from "../src/errors";
import type { AdminRedis } from "./adminRedis";
import { sendJson } from "./chatHttp";
import { HttpError, readBody } from "./httpBody";

/** What the admin API needs of the node serving it. */
export interface AdminApiParts {
  engine: ChatEngine;
  redis: () => AdminRedis;
  /** The longest request body accepted: room messages are at most `maxMessageLength`. */
  maxBodyBytes: number;
}

type RoomAction = (
  room: string,
  body: Record<string, unknown>,
) => Promise<Record<string, unknown>>;

const statusOfCode: Partial<Record<ChatErrorCode, number>> = {
  ROOM_NOT_FOUND: 404,
  CONNECTION_NOT_FOUND: 404,
  CHAT_UNAVAILABLE: 503,
  NODE_TIMEOUT: 504,
};

/**
 * The admin page's JSON API, under `<path>/api/`: `GET cluster`, `GET rooms/:room`, and
 * `POST rooms/:room/remove-member | destroy | broadcast` with a JSON body. The caller has been
 * authorized already.
 */
export function adminApi({ engine, redis, maxBodyBytes }: AdminApiParts) {
  const actions: Record<string, RoomAction> = {
    "remove-member": async (room, { connectionId }) => {
      if (typeof connectionId !== "string" || connectionId === "")
        throw new HttpError(400, "connectionId (a string) is required");
      return { removed: await engine.removeMember(connectionId, room) };
    },
    destroy: async (room) => {
      await engine.destroy(room);
      return { destroyed: true };
    },
    broadcast: async (room, { message }) => {
      // From the server itself: members see it as `from: "0"`.
      await engine.broadcast({}, room, message);
      return { broadcast: true };
    },
  };

  const answer = async (
    request: IncomingMessage,
    route: string[],
  ): Promise<unknown> => {
    const [resource, encodedRoom, action, ...rest] = route;
    const method = request.method ?? "GET";
    if (resource === "cluster" && route.length === 1) {
      allow(method, "GET");
      return { redis: redis(), ...(await engine.clusterReport()) };
    }
    if (resource !== "rooms" || !encodedRoom || rest.length > 0)
      throw new HttpError(404, "no such admin API");
    const room = decodeRoom(encodedRoom);
    if (action === undefined) {
      allow(method, "GET");
      return engine.roomMembers(room);
    }
    const run = actions[action];
    if (!run) throw new HttpError(404, `no admin action "${action}"`);
    allow(method, "POST");
    return run(room, await jsonBody(request, maxBodyBytes));
  };

  return async (
    request: IncomingMessage,
    response: ServerResponse,
    route: string[],
  ) => {
    try {
      sendJson(response, 200, await answer(request, route));
    } catch (error) {
      const status =
        error instanceof HttpError
          ? error.status
          : error instanceof ChatError
            ? (statusOfCode[error.code] ?? 400)
            : 500;
      sendJson(response, status, {
        error: error instanceof Error ? error.message : String(error),
        ...(error instanceof ChatError ? { code: error.code } : {}),
      });
    }
  };
}

function decodeRoom(encoded: string) {
  try {
    return decodeURIComponent(encoded);
  } catch {
    throw new HttpError(400, "the room name in the path is not URL-encoded");
  }
}

function allow(method: string, allowed: "GET" | "POST") {
  if (method !== allowed)
    throw new HttpError(405, `use ${allowed} for this admin API`);
}

/**
 * A JSON object body. Requiring the JSON content type keeps plain cross-site forms out, besides
 * the SameSite cookie: a browser sends it from another site only after a preflight, which is refused.
 */
async function jsonBody(
  request: IncomingMessage,
  maxBytes: number,
): Promise<Record<string, unknown>> {
  if (!/^application\/json\b/i.test(request.headers["content-type"] ?? ""))
    throw new HttpError(415, "send the body as application/json");
  const text = await readBody(request, maxBytes);
  if (text.trim() === "") return {};
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new HttpError(400, "the body is not JSON");
  }
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw new HttpError(400, "the body must be a JSON object");
  return body as Record<string, unknown>;
}
