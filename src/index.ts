// The engine and its parts, for the adapters and the tests; the package's public surface is ../index.ts.
export { ChatEngine, type ChatEngineOptions } from "./chatEngine";
export { resolveChatConfig } from "./config";
export { RoomMessage } from "./roomMessage";
export {
  ChatTransports,
  sendMessageTransport,
  type ChatTransport,
} from "./chatTransport";
export * from "../index";
