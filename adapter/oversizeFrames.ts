import type { EventEmitter } from "events";
import type { Connection } from "actionhero";
import type { ChatEngine } from "../src/chatEngine";
import { chatLog } from "./chatLog";
import { websocketSpark } from "./websocketTransport";
import { websocketServer } from "./websocketServer";

/** The error `ws` emits, closing the websocket with code 1009, for a frame larger than Primus' `maxLength`. */
const frameTooLarge = "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH";

/**
 * Counts the websockets `ws` closes for a frame larger than Primus' `maxLength` (close code 1009):
 * the plugin does not see that frame, so it cannot tell the client first, but the operator sees it
 * counted (`ah_chat_connections_closed_total{reason="frame_too_large"}`) and logged. Returns what
 * undoes it.
 */
export function countOversizeFrames(engine: ChatEngine): () => void {
  const server = websocketServer();
  if (!server) return () => undefined;
  const onConnection = (connection: Connection) => {
    const socket = websocketSpark(connection)?.socket as
      EventEmitter | undefined;
    // `ws` emits one error at most; its close event carries the client's code, not 1009.
    socket?.once("error", (error: Error & { code?: string }) => {
      if (error.code !== frameTooLarge) return;
      engine.observer.connectionClosed("frame_too_large");
      chatLog(
        `websocket connection "${connection.id}" was closed: it sent a frame larger than maxLength`,
        "warning",
      );
    });
  };
  // Actionhero's websocket server emits each connection it builds (its Primus exists only once it starts).
  server.on("connection", onConnection);
  return () => void server.off("connection", onConnection);
}
