import type {
  ChatConnection,
  MaybePromise,
  MessagePayload,
  Sender,
} from "./types";

export type MembershipHook = (
  connection: ChatConnection,
  room: string,
) => MaybePromise<unknown>;
/** Returns a new payload, `undefined` to keep the (possibly changed) one, or `null` to drop the message. */
export type MessageHook = (
  connection: any,
  room: string,
  payload: MessagePayload,
) => MaybePromise<MessagePayload | null | undefined | void>;

export interface ChatMiddleware {
  name: string;
  /** Lower runs first. */
  priority?: number;
  /** Before a connection enters a room; throwing refuses it. */
  join?: MembershipHook;
  /** Before a connection leaves a room; throwing refuses it (not when the connection closes or the room is destroyed). */
  leave?: MembershipHook;
  /** Once per message, on the sender's node, before it is published. */
  onSayReceive?: MessageHook;
  /** Once per receiving connection, before delivery. */
  say?: MessageHook;
}

export type MembershipDirection = "join" | "leave";
export type MessageDirection = "onSayReceive" | "say";

/** The chat middleware of one node, kept in priority order. */
export class ChatMiddlewareStack {
  private ordered: ChatMiddleware[] = [];

  constructor(private readonly defaultPriority: number) {}

  add(middleware: ChatMiddleware) {
    if (!middleware || !middleware.name)
      throw new Error("chat middleware needs a name");
    const priority = Number(middleware.priority ?? this.defaultPriority);
    const entry = { ...middleware, priority };
    this.ordered = this.ordered
      .filter((existing) => existing.name !== middleware.name)
      .concat(entry)
      .sort((a, b) => (a.priority ?? 0) - (b.priority ?? 0));
  }

  remove(name: string) {
    this.ordered = this.ordered.filter((existing) => existing.name !== name);
  }

  list(): readonly ChatMiddleware[] {
    return this.ordered;
  }

  has(direction: MembershipDirection | MessageDirection) {
    return this.ordered.some(
      (middleware) => typeof middleware[direction] === "function",
    );
  }

  async runMembership(
    direction: MembershipDirection,
    connection: ChatConnection,
    room: string,
  ) {
    for (const middleware of this.ordered) {
      const hook = middleware[direction];
      if (hook) await hook(connection, room);
    }
  }

  /** The payload after every hook of this direction, or null if one dropped it. Each hook may change a copy. */
  async runMessage(
    direction: MessageDirection,
    connection: Sender,
    room: string,
    payload: MessagePayload,
  ): Promise<MessagePayload | null> {
    let current: MessagePayload = { ...payload };
    for (const middleware of this.ordered) {
      const hook = middleware[direction];
      if (!hook) continue;
      const result = await hook(connection, room, current);
      if (result === null) return null;
      if (result !== undefined) current = result as MessagePayload;
    }
    return current;
  }
}
