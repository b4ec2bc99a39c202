import { api, chatRoom, config, Connection } from "actionhero";
import type { ChatEngine } from "../src/chatEngine";
import { isChatVerb, runChatVerb } from "../src/chatVerbs";
import { setRunningChat } from "./actionheroChat";

/*
 * The ways actionhero reaches a chat system, each made to reach the plugin's engine. Each function
 * returns what undoes it; adapter/actionheroPatches.ts applies them.
 */

/** Makes `api.chatRoom`, and the package's `chat`, the engine. */
export function routeApiChatRoom(engine: ChatEngine): () => void {
  const previousApiChatRoom = api.chatRoom;
  Object.assign(api, { chatRoom: engine });
  setRunningChat(engine);
  return () => {
    Object.assign(api, { chatRoom: previousApiChatRoom });
    setRunningChat(undefined);
  };
}

/** The members of actionhero's `chatRoom` export that reach the plugin's engine instead. */
const routedMembers = [
  "add",
  "destroy",
  "exists",
  "list",
  "roomStatus",
  "addMember",
  "removeMember",
  "broadcast",
  "addMiddleware",
  "generateMemberDetails",
  "sanitizeMemberDetails",
  "generateMessagePayload",
] as const;

/** Makes reading and assigning the members of the `chatRoom` export reach the engine. */
export function routeChatRoomExport(engine: ChatEngine): () => void {
  const namespace = chatRoom as unknown as Record<string, unknown>;
  const previousMembers = routedMembers.map(
    (name) => [name, Object.getOwnPropertyDescriptor(namespace, name)] as const,
  );
  for (const name of routedMembers) {
    Object.defineProperty(namespace, name, {
      configurable: true,
      enumerable: true,
      get: () => engine[name],
      set: (value) => Object.assign(engine, { [name]: value }),
    });
  }
  return () => {
    for (const [name, descriptor] of previousMembers) {
      if (descriptor) Object.defineProperty(namespace, name, descriptor);
      else delete namespace[name];
    }
  };
}

/** Makes the chat verbs of every connection (`Connection.prototype.verbs`) run on the engine. */
export function routeChatVerbs(engine: ChatEngine): () => void {
  const previousVerbs = Connection.prototype.verbs;
  Connection.prototype.verbs = async function verbs(
    this: Connection,
    verb: string,
    words: string[] | string,
  ) {
    if (!isChatVerb(verb)) return previousVerbs.call(this, verb, words);
    const server = api.servers.servers[this.type];
    if (!server || !server.attributes.verbs.includes(verb)) {
      const errors = config.errors as {
        verbNotAllowed(connection: Connection, verb: string): string;
      };
      throw new Error(await errors.verbNotAllowed(this, verb));
    }
    return runChatVerb(
      engine,
      this,
      verb,
      Array.isArray(words) ? words : [words],
    );
  };
  return () => {
    Connection.prototype.verbs = previousVerbs;
  };
}

const connectionMiddlewareName = "ah-chat-plugin:leave-rooms";

/** Makes a closing connection leave its rooms of the engine, by a connection middleware. */
export function leaveRoomsOnDestroy(engine: ChatEngine): () => void {
  api.connections.addMiddleware({
    name: connectionMiddlewareName,
    // After the application's own destroy middleware, which may still want to see the rooms.
    priority: Number.MAX_SAFE_INTEGER,
    destroy: async (connection: Connection) => {
      if (connection.canChat === true) await engine.leaveAllRooms(connection);
    },
  });
  return () => {
    delete api.connections.middleware[connectionMiddlewareName];
    api.connections.globalMiddleware = api.connections.globalMiddleware.filter(
      (name) => name !== connectionMiddlewareName,
    );
  };
}
