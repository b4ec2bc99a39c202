import type { Connection } from "actionhero";
import type { ChatEngine } from "../src/chatEngine";
import type {
  ChatMiddleware,
  MembershipHook,
  MessageHook,
} from "../src/middleware";
import type { MaybePromise, MemberDetails, MockConnection } from "../src/types";

/**
 * The chat engine as an actionhero application sees it: its hooks and middleware are given
 * actionhero's `Connection`s, the only connections the engine of an actionhero node holds.
 * `start` and `stop` belong to the plugin's initializer.
 */
export interface ActionheroChat extends Omit<
  ChatEngine,
  | "start"
  | "stop"
  | "generateMemberDetails"
  | "addMiddleware"
  | "listMiddleware"
> {
  /** What is stored per member. Replace it to store more of the connection. */
  generateMemberDetails: (
    connection: Connection,
  ) => MaybePromise<MemberDetails>;
  addMiddleware(middleware: ActionheroChatMiddleware): void;
  /** The middleware in the order it runs. */
  listMiddleware(): readonly ActionheroChatMiddleware[];
}

export type ActionheroChatMiddleware = ChatMiddleware<Connection>;
export type ActionheroMembershipHook = MembershipHook<Connection>;
export type ActionheroMessageHook = MessageHook<Connection | MockConnection>;

function notRunning(): never {
  throw new Error(
    "ah-chat-plugin is not running: `chat` can be used once the plugin's initializer has initialized " +
      "(in an initializer with a loadPriority above 530, or in a start(), an action or a task) and until actionhero stops",
  );
}

/** Stands for the engine whenever `chat` is read while none runs: it forwards to the running one, if any. */
const standIn = new Proxy({} as ActionheroChat, {
  // Inspecting it (console.log, a promise resolved with it) is not using it.
  get: (_, key) =>
    typeof key === "symbol" || key === "then"
      ? undefined
      : Reflect.get(runningChat(), key),
  set: (_, key, value) => Reflect.set(runningChat(), key, value),
});

/**
 * The running chat engine: the same object as `api.chatRoom`. Read before the plugin has initialized
 * (or where an import is a copy, as in an ES module), it is a stand-in that reaches the running engine
 * and throws a clear error while there is none.
 */
export let chat: ActionheroChat = standIn;

function runningChat(): ActionheroChat {
  return chat === standIn ? notRunning() : chat;
}

/** Makes `engine` what `chat` is (`undefined`: none runs). */
export function setRunningChat(engine: ChatEngine | undefined) {
  chat = engine ?? standIn;
}
