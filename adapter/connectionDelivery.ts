import { api } from "actionhero";
import { chat } from "./actionheroChat";
import { chatLog } from "./chatLog";
import { corkForThisTurn } from "../src/corkForThisTurn";
import { frameWriter, textFrame, type WsSocket } from "./websocketFrames";
import { chatSettings } from "./chatSettings";
import type { ChatConnection } from "../src/types";
import {
  sendPayload,
  type DeliverMessage,
  type RoomMessage,
} from "../src/roomMessage";

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

/** A server that can write a message that is JSON already (the plugin's socket server). */
interface JsonWriter {
  writeJson(connection: ChatConnection, json: string): void;
}

const sparkClosed = 2;

/**
 * Hands a room message to a connection as the JSON the node already holds, so a message is
 * serialized once per node rather than once per member: the socket server writes it as it is,
 * and a websocket gets it without Primus encoding it again when Primus would have sent exactly
 * that (its JSON parser, no outgoing transformers), as a frame built once per message. Any other
 * connection gets the payload through `connection.sendMessage`. A websocket with more than `maxWriteBuffer` bytes unsent is
 * closed instead (the socket server does the same for its own).
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
  const unsent = spark.socket?.bufferedAmount ?? 0;
  if (unsent > chatSettings().maxWriteBuffer)
    return closeSlowReader(connection, unsent);
  if (!sendsJsonAsIs(spark)) return sendPayload(connection, message);
  const tcpSocket = frameWriter(spark.socket);
  if (!tcpSocket)
    return void spark.emit("outgoing::data", escapeLineSeparators(message));
  corkForThisTurn(tcpSocket);
  tcpSocket.write(frameOf(message));
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

/** A websocket client that does not read is closed: the node does not hold its messages without end. */
function closeSlowReader(connection: ChatConnection, unsent: number) {
  chat.observer.connectionClosed("slow_reader");
  chatLog(
    `closing websocket connection "${connection.id}": ${unsent} bytes wait for it, more than maxWriteBuffer`,
    "warning",
  );
  void Promise.resolve(connection.destroy?.()).catch(() => undefined);
}

const frames = new WeakMap<RoomMessage, Buffer>();

/** The message's websocket frame, built once however many websocket members receive it. */
function frameOf(message: RoomMessage) {
  let frame = frames.get(message);
  if (frame === undefined) {
    frame = textFrame(escapeLineSeparators(message));
    frames.set(message, frame);
  }
  return frame;
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
