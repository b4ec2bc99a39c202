// The engine and its parts, for the adapters and the tests; the package's public surface is ../index.ts.
export { ChatEngine, type ChatEngineOptions } from "./chatEngine";
export { resolveChatConfig } from "./config";
export { RoomMessage, type DeliverMessage } from "./roomMessage";
export * from "../index";
