import type { EventEmitter } from "events";
import { config, type Connection } from "actionhero";
import { chatLog } from "./chatLog";
import { chatVerbRequest } from "../src/chatVerbs";
import { chatErrors } from "../src/errors";
import { jsonRequestProblem } from "../src/requestGuard";
import { chatSettings } from "./chatSettings";
import { InboundRequests, type ReadFlow } from "../src/inboundRequests";
import { websocketServer, type WebsocketServer } from "./websocketServer";

type Request = Record<string, unknown>;

/**
 * Guards the input of actionhero's websocket server, which chat rides on: a request that is not a JSON
 * object, or is nested deeper than `maxRequestDepth`, gets a clear error on its connection (actionhero
 * would fail on it, or overflow its stack logging it, and stop the node); a failure while handling one
 * is logged, never left unhandled; a frame that is not JSON at all is answered too (Primus drops it
 * silently); a `say` takes its message from `message` alone; and a connection's requests start in
 * order, at most `maxPendingRequests` at once, the server not reading from it while more wait (see
 * `InboundRequests`). Returns what undoes it.
 */
export function guardWebsocketInput(): () => void {
  const server = websocketServer();
  if (!server) return () => undefined;
  const handleData = server.handleData;
  const inbound = new WeakMap<Connection, InboundRequests<unknown>>();

  /** Handles one request, after the guard's checks; it never rejects. */
  const handle = async (connection: Connection, data: unknown) => {
    if (connection.destroyed) return inbound.get(connection)?.close();
    try {
      const problem = jsonRequestProblem(data, chatSettings().maxRequestDepth);
      if (problem) return await refuse(server, connection, data, problem);
      await handleData.call(
        server,
        connection,
        chatVerbRequest(data as Request),
      );
    } catch (error) {
      chatLog(
        `a websocket request of connection "${connection.id}" failed`,
        "warning",
        { error: String(error) },
      );
    }
  };

  server.handleData = async function guardedHandleData(
    connection: Connection,
    data: unknown,
  ) {
    let requests = inbound.get(connection);
    if (!requests) {
      const socket = (connection.rawConnection as { socket?: ReadFlow }).socket;
      requests = new InboundRequests(
        (request) => handle(connection, request),
        socket ?? { pause: () => undefined, resume: () => undefined },
        () => chatSettings().maxPendingRequests,
      );
      inbound.set(connection, requests);
    }
    requests.push(data);
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

/**
 * Makes actionhero's websocket server hand over a connection's frames one per turn of the event loop
 * (the `ws` option `allowSynchronousEvents: false`, through Primus' `transport` options), so that a
 * client that sends thousands of frames at once cannot hold up every other connection while they are
 * decoded. An application that sets the option itself keeps its own value. Call before servers start.
 * Returns what undoes it.
 */
export function takeWebsocketFramesInTurn(): () => void {
  const websocket = config.websocket as
    { server?: { transport?: Record<string, unknown> } } | undefined;
  if (!websocket) return () => undefined;
  const server = (websocket.server ??= {});
  const { transport } = server;
  server.transport = { allowSynchronousEvents: false, ...transport };
  return () => {
    if (transport) server.transport = transport;
    else delete server.transport;
  };
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
