import { api } from "actionhero";
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

/** A server that can write a message that is JSON already (the plugin's socket server). */
interface JsonWriter {
  writeJson(connection: ChatConnection, json: string): void;
}

const sparkClosed = 2;

/**
 * Hands a room message to a connection as the JSON the node already holds, so a message is
 * serialized once per node rather than once per member: the socket server writes it as it is,
 * and a websocket gets it without Primus encoding it again when Primus would have sent exactly
 * that (its JSON parser, no outgoing transformers). Any other connection gets the payload
 * through `connection.sendMessage`.
 */
export const deliverToConnection: DeliverMessage = (connection, message) => {
  const server = connection.type
    ? (api.servers.servers[connection.type] as unknown as Partial<JsonWriter>)
    : undefined;
  if (typeof server?.writeJson === "function")
    return server.writeJson(connection, message.json);
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

const escapedJson = new WeakMap<RoomMessage, string>();

/**
 * U+2028 and U+2029 are valid in JSON but end a line in JavaScript; Primus escapes them, and so
 * must we: once per message, however many websocket members receive it.
 */
function escapeLineSeparators(message: RoomMessage) {
  let escaped = escapedJson.get(message);
  if (escaped === undefined) {
    escaped = message.json
      .replace(/\u2028/g, "\\u2028")
      .replace(/\u2029/g, "\\u2029");
    escapedJson.set(message, escaped);
  }
  return escaped;
}
