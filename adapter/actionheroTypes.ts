import type { ChatConfig } from "../src/config";
import type { SocketServerConfig } from "../socketProtocol/socketConfig";
import type { ActionheroChat } from "./actionheroChat";

type ChatMember<K extends keyof ActionheroChat> = ActionheroChat[K];
type ChatArguments<K extends keyof ActionheroChat> = Parameters<
  Extract<ChatMember<K>, (...args: never[]) => unknown>
>;
type ChatResult<K extends keyof ActionheroChat> = ReturnType<
  Extract<ChatMember<K>, (...args: never[]) => unknown>
>;

declare module "actionhero" {
  export interface ActionheroConfigInterface {
    chat: ChatConfig;
    socket: SocketServerConfig;
  }
}

/**
 * The members the plugin adds to actionhero's `api.chatRoom` type. Core declares `broadcast`,
 * `removeMember` and `generateMessagePayload` itself, and a property's type cannot be redeclared: those
 * keep core's types (the `chat` export has the plugin's).
 */
declare module "actionhero/dist/initializers/chatRoom" {
  export interface ChatRoomApi {
    add: ChatMember<"add">;
    destroy: ChatMember<"destroy">;
    exists: ChatMember<"exists">;
    list: ChatMember<"list">;
    roomStatus: ChatMember<"roomStatus">;
    presence: ChatMember<"presence">;
    history: ChatMember<"history">;
    presenceKey: ChatMember<"presenceKey">;
    addMember: ChatMember<"addMember">;
    addMiddleware: ChatMember<"addMiddleware">;
    removeMiddleware: ChatMember<"removeMiddleware">;
    listMiddleware: ChatMember<"listMiddleware">;
    generateMemberDetails: ChatMember<"generateMemberDetails">;
    sanitizeMemberDetails: ChatMember<"sanitizeMemberDetails">;
    joinRoom: ChatMember<"joinRoom">;
    leaveRoom: ChatMember<"leaveRoom">;
    viewRoom: ChatMember<"viewRoom">;
    leaveAllRooms: ChatMember<"leaveAllRooms">;
    nodeId: ChatMember<"nodeId">;
  }
}

/**
 * The plugin's signatures as overloads of the functions of actionhero's `chatRoom` export that reach
 * the plugin (adapter/routeActionheroChat.ts). Functions merge where properties cannot: these come
 * before core's, which stay.
 */
declare module "actionhero/dist/modules/chatRoom" {
  namespace chatRoom {
    function add(...args: ChatArguments<"add">): ChatResult<"add">;
    function destroy(...args: ChatArguments<"destroy">): ChatResult<"destroy">;
    function exists(...args: ChatArguments<"exists">): ChatResult<"exists">;
    function list(...args: ChatArguments<"list">): ChatResult<"list">;
    function roomStatus(
      ...args: ChatArguments<"roomStatus">
    ): ChatResult<"roomStatus">;
    function addMember(
      ...args: ChatArguments<"addMember">
    ): ChatResult<"addMember">;
    function removeMember(
      ...args: ChatArguments<"removeMember">
    ): ChatResult<"removeMember">;
    function broadcast(
      ...args: ChatArguments<"broadcast">
    ): ChatResult<"broadcast">;
    function addMiddleware(
      ...args: ChatArguments<"addMiddleware">
    ): ChatResult<"addMiddleware">;
    function generateMemberDetails(
      ...args: ChatArguments<"generateMemberDetails">
    ): ChatResult<"generateMemberDetails">;
    function sanitizeMemberDetails(
      ...args: ChatArguments<"sanitizeMemberDetails">
    ): ChatResult<"sanitizeMemberDetails">;
    function generateMessagePayload(
      ...args: ChatArguments<"generateMessagePayload">
    ): ChatResult<"generateMessagePayload">;
  }
}
