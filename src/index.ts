export { ChatEngine, type ChatEngineOptions } from "./chatEngine";
export { chatVerbs, isChatVerb, runChatVerb, type ChatVerb } from "./chatVerbs";
export {
  defaultChatConfig,
  resolveChatConfig,
  type ChatConfig,
  type RedisConnectionConfig,
} from "./config";
export { ChatError, chatErrors, type ChatErrorCode } from "./errors";
export type { ChatMiddleware, MessageHook, MembershipHook } from "./middleware";
export { RoomMessage, type DeliverMessage } from "./roomMessage";
export type { NodeCallback } from "./callback";
export type {
  ChatConnection,
  ConnectionDirectory,
  MemberDetails,
  MessageEnvelope,
  MessagePayload,
  MockConnection,
  RoomStatus,
  Sender,
} from "./types";
export {
  ChatClient,
  ChatRequestError,
  type ChatClientOptions,
  type ConnectionDetails,
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
export {
  defaultSocketServerConfig,
  type SocketServerConfig,
} from "./socket/socketConfig";
