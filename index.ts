// The package's public surface: `chat`, errors, types, settings and the Node clients.
// (The plugin itself is loaded by actionhero from dist/initializers and dist/servers.)
import "./adapter/actionheroTypes";

export {
  chat,
  type ActionheroChat,
  type ActionheroChatMiddleware as ChatMiddleware,
  type ActionheroMembershipHook as MembershipHook,
  type ActionheroMessageHook as MessageHook,
} from "./adapter/actionheroChat";
export { ChatError, type ChatErrorCode } from "./src/errors";
export {
  defaultChatConfig,
  type ChatConfig,
  type RedisConnectionConfig,
} from "./src/config";
export {
  defaultSocketServerConfig,
  type SocketServerConfig,
} from "./socketProtocol/socketConfig";
export type { NodeCallback } from "./src/callback";
export type {
  PresenceEvent,
  PresencePayload,
  RoomPresenceStatus,
} from "./src/presence";
export type { RemovalNotice } from "./src/roomNotice";
export type {
  HistoryConfig,
  HistoryPage,
  HistoryQuery,
} from "./src/roomHistory";
export type {
  ChatConnection,
  ChatConnectionParams,
  ChatConnectionSession,
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
  type ChatClientEvents,
  type ChatClientOptions,
  type ConnectionDetails,
  type ConnectionState,
  type ReconnectOptions,
} from "./clients/chatClient";
export {
  ChatSocketClient,
  type ChatSocketClientOptions,
} from "./clients/chatSocketClient";
export {
  ChatWebsocketClient,
  type ChatWebsocketClientOptions,
} from "./clients/chatWebsocketClient";
