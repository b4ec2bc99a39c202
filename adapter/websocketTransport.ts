import { sendMessageTransport, type ChatTransport } from "../src/chatTransport";
import { oncePerMessage } from "../src/oncePerMessage";
import { heldInTurn, writeInTurn } from "../src/turnBatch";
import type { ChatConnection } from "../src/types";
import { frameWriter, textFrame, type WsSocket } from "./websocketFrames";

interface PrimusSpark {
  readyState: number;
  emit(event: string, packet: string): boolean;
  /** The `ws` WebSocket. */
  socket?: WsSocket;
  primus: {
    spec?: { parser?: string };
    transformers?: { outgoing: unknown[] };
  };
}

const sparkClosed = 2;

/**
 * Actionhero's websocket connections as a chat transport. A room message goes out as the JSON the node
 * already holds, so it is serialized once per node rather than once per member: without Primus encoding
 * it again when Primus would have sent exactly that (its JSON parser, no outgoing transformers), as a
 * frame built once per message. Otherwise, and to tell a connection why it is closed, through
 * `connection.sendMessage`.
 */
export const websocketTransport: ChatTransport = {
  write(connection, message) {
    const spark = websocketSpark(connection);
    if (!spark) return sendMessageTransport.write(connection, message);
    if (spark.readyState === sparkClosed) return;
    if (!sendsJsonAsIs(spark))
      return sendMessageTransport.write(connection, message);
    const tcpSocket = frameWriter(spark.socket);
    if (!tcpSocket)
      return void spark.emit("outgoing::data", escapeLineSeparators(message));
    writeInTurn(tcpSocket, frameOf(message));
  },
  unsentBytes(connection) {
    const spark = websocketSpark(connection);
    if (!spark || spark.readyState === sparkClosed) return 0;
    const ws = spark.socket;
    if (!ws) return 0;
    return (ws.bufferedAmount ?? 0) + (ws._socket ? heldInTurn(ws._socket) : 0);
  },
  close: sendMessageTransport.close,
};

/** The Primus spark of a websocket connection, or null for a connection of another server. */
export function websocketSpark(connection: ChatConnection): PrimusSpark | null {
  if (connection.type !== "websocket") return null;
  const spark = (connection as ChatConnection & { rawConnection?: PrimusSpark })
    .rawConnection;
  return spark?.primus ? spark : null;
}

/** Whether Primus would send a message as exactly its JSON: its JSON parser, no outgoing transformers. */
function sendsJsonAsIs(spark: PrimusSpark) {
  const { primus } = spark;
  return (
    primus.spec?.parser === "json" &&
    (primus.transformers?.outgoing.length ?? 1) === 0
  );
}

/**
 * U+2028 and U+2029 are valid in JSON but end a line in JavaScript; Primus escapes them, and so
 * must we: once per message, however many websocket members receive it.
 */
const escapeLineSeparators = oncePerMessage((message) =>
  message.json.replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029"),
);

/** The message's websocket frame, built once however many websocket members receive it. */
const frameOf = oncePerMessage((message) =>
  textFrame(escapeLineSeparators(message)),
);
