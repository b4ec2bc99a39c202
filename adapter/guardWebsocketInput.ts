import type { EventEmitter } from "events";
import { api, log, type Connection } from "actionhero";
import { chatErrors } from "../src/errors";
import { jsonRequestProblem } from "../src/requestGuard";
import { chatSettings } from "./chatSettings";

/** What the plugin needs of actionhero's websocket server. */
interface WebsocketServer extends EventEmitter {
  handleData(connection: Connection, data: unknown): Promise<unknown>;
  sendMessage(
    connection: Connection,
    message: Record<string, unknown>,
    messageId?: string | number,
  ): Promise<unknown>;
}

/** The `ws` socket under a Primus spark, which can stop reading. */
interface PausableSocket {
  pause(): void;
  resume(): void;
}

type Request = Record<string, unknown>;

/**
 * Guards the input of actionhero's websocket server, which chat rides on: a request that is not a JSON
 * object, or is nested deeper than `maxRequestDepth`, gets a clear error on its connection (actionhero
 * would fail on it, or overflow its stack logging it, and stop the node); a failure while handling one
 * is logged, never left unhandled; a frame that is not JSON at all is answered too (Primus drops it
 * silently); a `say` takes its message from `message` alone; and past
 * `maxPendingRequests` requests under way, the server stops reading from the connection. Returns what
 * undoes it.
 */
export function guardWebsocketInput(): () => void {
  const server = api.servers.servers.websocket as unknown as
    WebsocketServer | undefined;
  if (!server) return () => undefined;
  const handleData = server.handleData;
  const pending = new WeakMap<Connection, number>();

  server.handleData = async function guardedHandleData(
    this: WebsocketServer,
    connection: Connection,
    data: unknown,
  ) {
    // What a closed connection (a flooder, say) had already sent is dropped, not handled.
    if (connection.destroyed) return;
    const { maxRequestDepth, maxPendingRequests } = chatSettings();
    const socket = (connection.rawConnection as { socket?: PausableSocket })
      .socket;
    try {
      const problem = jsonRequestProblem(data, maxRequestDepth);
      if (problem) return await refuse(this, connection, data, problem);
      const underWay = (pending.get(connection) ?? 0) + 1;
      pending.set(connection, underWay);
      if (underWay >= maxPendingRequests) socket?.pause();
      try {
        await handleData.call(this, connection, chatRequest(data as Request));
      } finally {
        const left = (pending.get(connection) ?? 1) - 1;
        pending.set(connection, left);
        if (left < maxPendingRequests) socket?.resume();
      }
    } catch (error) {
      log(
        `[chat] a websocket request of connection "${connection.id}" failed`,
        "warning",
        { error: String(error) },
      );
    }
  };

  const answerUndecodable = (connection: Connection) =>
    (connection.rawConnection as EventEmitter).on("error", (error: Error) => {
      if (error.name !== "ParserError") return;
      refuse(server, connection, undefined, "a request must be JSON").catch(
        () => undefined,
      );
    });
  server.on("connection", answerUndecodable);

  return () => {
    server.handleData = handleData;
    server.off("connection", answerUndecodable);
  };
}

/** A `say` keeps only its room and message (actionhero would join every other value into the text). */
function chatRequest(request: Request): Request {
  if (request.event !== "say") return request;
  const { event, room, message, messageId } = request;
  return { event, room, message, messageId };
}

function refuse(
  server: WebsocketServer,
  connection: Connection,
  data: unknown,
  problem: string,
) {
  const error = String(chatErrors.invalidRequest(problem));
  const messageId = (data as Request | null)?.messageId;
  return server.sendMessage(
    connection,
    { status: error, error, context: "response" },
    typeof messageId === "string" || typeof messageId === "number"
      ? messageId
      : undefined,
  );
}
