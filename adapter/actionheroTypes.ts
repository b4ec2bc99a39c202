import type { ChatEngine } from "../src/chatEngine";
import type { ChatConfig } from "../src/config";

type EngineMember<K extends keyof ChatEngine> = ChatEngine[K];

declare module "actionhero" {
  export interface ActionheroConfigInterface {
    chat: ChatConfig;
  }
}

/** The members the plugin adds to actionhero's `api.chatRoom` type (the others keep core's types). */
declare module "actionhero/dist/initializers/chatRoom" {
  export interface ChatRoomApi {
    add: EngineMember<"add">;
    destroy: EngineMember<"destroy">;
    exists: EngineMember<"exists">;
    list: EngineMember<"list">;
    roomStatus: EngineMember<"roomStatus">;
    presence: EngineMember<"presence">;
    history: EngineMember<"history">;
    presenceKey: EngineMember<"presenceKey">;
    addMember: EngineMember<"addMember">;
    addMiddleware: EngineMember<"addMiddleware">;
    removeMiddleware: EngineMember<"removeMiddleware">;
    listMiddleware: EngineMember<"listMiddleware">;
    generateMemberDetails: EngineMember<"generateMemberDetails">;
    sanitizeMemberDetails: EngineMember<"sanitizeMemberDetails">;
    joinRoom: EngineMember<"joinRoom">;
    leaveRoom: EngineMember<"leaveRoom">;
    viewRoom: EngineMember<"viewRoom">;
    leaveAllRooms: EngineMember<"leaveAllRooms">;
    nodeId: EngineMember<"nodeId">;
  }
}

declare module "actionhero" {
  export interface ActionheroConfigInterface {
    socket: import("../src/socket/socketConfig").SocketServerConfig;
  }
}
