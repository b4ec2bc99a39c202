import { corkForThisTurn } from "../src/corkForThisTurn";
import { websocketSpark } from "./websocketTransport";
import { websocketServer } from "./websocketServer";

/**
 * Corks a websocket connection's TCP socket for the rest of the turn before actionhero's websocket
 * server answers it, so that an answer (the OK to a `say`) leaves in one write with the room messages
 * the connection is sent in the same turn (its own message, often), as the socket server's answers
 * do. Returns what undoes it.
 */
export function corkWebsocketAnswers(): () => void {
  const server = websocketServer();
  if (!server) return () => undefined;
  const sendMessage = server.sendMessage;
  server.sendMessage = function corkedSendMessage(
    connection,
    message,
    messageId,
  ) {
    const socket = websocketSpark(connection)?.socket?._socket;
    if (socket?.writable) corkForThisTurn(socket);
    return sendMessage.call(this, connection, message, messageId);
  };
  return () => {
    server.sendMessage = sendMessage;
  };
}
