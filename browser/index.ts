// `ah-chat-plugin/browser`: the chat client for web pages, for bundlers. A page without a bundler
// loads the same client from the app, at /public/ah-chat-client.js (see pageScript.ts).
export {
  ChatBrowserClient,
  type ChatBrowserClientOptions,
} from "../clients/chatBrowserClient";
export {
  ChatRequestError,
  type ChatClientEvents,
  type ChatClientOptions,
  type ConnectionDetails,
  type ConnectionState,
  type ReconnectOptions,
  type ServerMessage,
  type WelcomeMessage,
} from "../clients/chatClient";
export type { RemovalNotice } from "../src/roomNotice";
export type {
  MessagePayload,
  PresenceEvent,
  PresencePayload,
  RoomStatus,
} from "../src/types";
