import type { Connection } from "actionhero";
import { writeInTurn } from "../src/turnBatch";
import type { WsSender } from "./websocketFrames";
import { websocketSpark } from "./websocketTransport";
import { websocketServer } from "./websocketServer";

/**
 * Sends every frame `ws` writes for a connection of actionhero's websocket server (the answers to its
 * requests, Primus' pings, the close) through the socket's batch of this turn, in order with the room
 * messages the plugin writes there: an answer (the OK to a `say`) leaves in one write with the room
 * messages the connection is sent in the same turn (its own message, often), as the socket server's
 * answers do. Only the senders of these connections are changed, not `ws` itself. Returns what undoes
 * it for the connections to come.
 */
export function batchWebsocketAnswers(): () => void {
  const server = websocketServer();
  if (!server) return () => undefined;
  const onConnection = (connection: Connection) => {
    const sender = websocketSpark(connection)?.socket?._sender;
    if (sender) sender.sendFrame = sendFrameInTurn;
  };
  server.on("connection", onConnection);
  return () => void server.off("connection", onConnection);
}

/** `ws`' `Sender#sendFrame`: a frame is its header and payload, or both in one buffer. */
function sendFrameInTurn(
  this: WsSender,
  list: (Buffer | string)[],
  callback?: (error?: Error | null) => void,
) {
  const last = list.length - 1;
  for (let i = 0; i < last; i++) writeInTurn(this._socket, list[i]);
  writeInTurn(this._socket, list[last], callback);
}
