import type { ChatConnection } from "../src/types";
import {
  sendPayload,
  type DeliverMessage,
  type RoomMessage,
} from "../src/roomMessage";

interface PrimusSpark {
  readyState: number;
  emit(event: string, packet: string): boolean;
  primus: {
    spec?: { parser?: string };
    transformers?: { outgoing: unknown[] };
  };
}

const sparkClosed = 2;

/**
 * Writes a room message to a websocket connection as the JSON the node already holds, instead of
 * letting Primus serialize it once per recipient. Only when Primus would have sent exactly that:
 * the JSON parser and no outgoing transformers. Otherwise, and for every other server, the payload
 * goes through `connection.sendMessage`.
 */
export const deliverToConnection: DeliverMessage = (connection, message) => {
  const spark = websocketSpark(connection);
  if (!spark) return sendPayload(connection, message);
  if (spark.readyState === sparkClosed) return;
  spark.emit("outgoing::data", escapeLineSeparators(message));
};

function websocketSpark(connection: ChatConnection): PrimusSpark | null {
  if (connection.type !== "websocket") return null;
  const spark = (connection as ChatConnection & { rawConnection?: PrimusSpark })
    .rawConnection;
  const primus = spark?.primus;
  if (
    !primus ||
    primus.spec?.parser !== "json" ||
    (primus.transformers?.outgoing.length ?? 1) > 0
  )
    return null;
  return spark;
}

/** U+2028 and U+2029 are valid in JSON but end a line in JavaScript; Primus escapes them, and so must we. */
function escapeLineSeparators(message: RoomMessage) {
  return message.json
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}
