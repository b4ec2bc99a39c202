// The package's public surface: errors, types, settings and the Node clients.
// (At run time the plugin is reached through actionhero: api.chatRoom and the chatRoom export.)
import "./adapter/actionheroTypes";

export { ChatError, type ChatErrorCode } from "./src/errors";
export {
  defaultChatConfig,
  type ChatConfig,
  type RedisConnectionConfig,
} from "./src/config";
export {
  defaultSocketServerConfig,
  type SocketServerConfig,
} from "./src/socket/socketConfig";
export type {
  ChatMiddleware,
  MembershipHook,
  MessageHook,
} from "./src/middleware";
export type { NodeCallback } from "./src/callback";
export type {
  PresenceEvent,
  PresencePayload,
  RoomPresenceStatus,
} from "./src/presence";
export type {
  HistoryConfig,
  HistoryPage,
  HistoryQuery,
} from "./src/roomHistory";
export type {
  ChatConnection,
  MemberDetails,
  MessageEnvelope,
  MessagePayload,
  MockConnection,
  ReapedConnection,
  RoomStatus,
  Sender,
} from "./src/types";
export {
  ChatClient,
  ChatRequestError,
  type ChatClientOptions,
  type ConnectionDetails,
  type ReconnectOptions,
} from "./src/clients/chatClient";
export {
  ChatSocketClient,
  type ChatSocketClientOptions,
} from "./src/clients/chatSocketClient";
export {
  ChatWebsocketClient,
  type ChatWebsocketClientOptions,
} from "./src/clients/chatWebsocketClient";
