import { api, chatRoom, config, Connection } from "actionhero";
import type { ChatEngine } from "../src/chatEngine";
import { isChatVerb, runChatVerb } from "../src/chatVerbs";
import { setRunningChat } from "./actionheroChat";

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

const connectionMiddlewareName = "ah-chat-plugin:leave-rooms";

/**
 * Makes the plugin's engine the application's one chat system: `api.chatRoom`, the package's `chat`,
 * the `chatRoom` export (reading and assigning its members both reach the engine), the chat verbs of
 * every connection, and a closing connection leaving its rooms. Returns what undoes it.
 */
export function routeActionheroChat(engine: ChatEngine): () => void {
  const previousApiChatRoom = api.chatRoom;
  Object.assign(api, { chatRoom: engine });
  setRunningChat(engine);

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

  api.connections.addMiddleware({
    name: connectionMiddlewareName,
    // After the application's own destroy middleware, which may still want to see the rooms.
    priority: Number.MAX_SAFE_INTEGER,
    destroy: async (connection: Connection) => {
      if (connection.canChat === true) await engine.leaveAllRooms(connection);
    },
  });

  return () => {
    Object.assign(api, { chatRoom: previousApiChatRoom });
    setRunningChat(undefined);
    for (const [name, descriptor] of previousMembers) {
      if (descriptor) Object.defineProperty(namespace, name, descriptor);
      else delete namespace[name];
    }
    Connection.prototype.verbs = previousVerbs;
    delete api.connections.middleware[connectionMiddlewareName];
    api.connections.globalMiddleware = api.connections.globalMiddleware.filter(
      (name) => name !== connectionMiddlewareName,
    );
  };
}
