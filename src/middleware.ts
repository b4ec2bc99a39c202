import type {
  ChatConnection,
  MaybePromise,
  MessagePayload,
  MockConnection,
  ReapedConnection,
} from "./types";

/**
 * Hooks are given connections of type `C`: the engine's small `ChatConnection` in its own tests,
 * actionhero's `Connection` in an application (adapter/actionheroChat.ts).
 */
export type MembershipHook<C extends ChatConnection = ChatConnection> = (
  connection: C,
  room: string,
) => MaybePromise<unknown>;
/** Returns a new payload, `undefined` to keep the (possibly changed) one, or `null` to drop the message. */
export type MessageHook<
  C extends ChatConnection | MockConnection = ChatConnection,
> = (
  connection: C,
  room: string,
  payload: MessagePayload,
) => MaybePromise<MessagePayload | null | undefined | void>;

export interface ChatMiddleware<C extends ChatConnection = ChatConnection> {
  name: string;
  /** Lower runs first. */
  priority?: number;
  /** Before a connection enters a room; throwing refuses it. */
  join?: MembershipHook<C>;
  /**
   * Before a connection leaves a room; throwing refuses it (not when the connection closes, the room
   * is destroyed, or the member is reaped from a dead node: then `connection` is a `ReapedConnection`).
   */
  leave?: MembershipHook<C | ReapedConnection>;
  /** Once per message, on the sender's node, before it is published; the sender may be a mock (`broadcast`). */
  onSayReceive?: MessageHook<C | MockConnection>;
  /** Once per receiving connection, before delivery. */
  say?: MessageHook<C>;
}

export type MembershipDirection = "join" | "leave";
export type MessageDirection = "onSayReceive" | "say";

type Direction = MembershipDirection | MessageDirection;
const directions: Direction[] = ["join", "leave", "onSayReceive", "say"];

/**
 * The chat middleware of one node, kept in priority order, and also by direction, so a message
 * with no middleware of its direction costs neither a scan nor a copy.
 */
export class ChatMiddlewareStack {
  private ordered: ChatMiddleware[] = [];
  private byDirection = groupByDirection([]);

  constructor(private readonly defaultPriority: number) {}

  add(middleware: ChatMiddleware) {
    if (!middleware || !middleware.name)
      throw new Error("chat middleware needs a name");
    const priority = Number(middleware.priority ?? this.defaultPriority);
    this.update(
      this.ordered
        .filter((existing) => existing.name !== middleware.name)
        .concat({ ...middleware, priority })
        .sort((a, b) => (a.priority ?? 0) - (b.priority ?? 0)),
    );
  }

  remove(name: string) {
    this.update(this.ordered.filter((existing) => existing.name !== name));
  }

  list(): readonly ChatMiddleware[] {
    return this.ordered;
  }

  has(direction: Direction) {
    return this.byDirection[direction].length > 0;
  }

  async runMembership(
    direction: MembershipDirection,
    connection: ChatConnection,
    room: string,
  ) {
    for (const middleware of this.byDirection[direction])
      await middleware[direction]!(connection, room);
  }

  /** The payload after every `onSayReceive` hook, or null if one dropped it. */
  runOnSayReceive(
    sender: ChatConnection | MockConnection,
    room: string,
    payload: MessagePayload,
  ) {
    return this.runMessage("onSayReceive", payload, (middleware, current) =>
      middleware.onSayReceive!(sender, room, current),
    );
  }

  /** The payload after every `say` hook for one receiving connection, or null if one dropped it. */
  runSay(connection: ChatConnection, room: string, payload: MessagePayload) {
    return this.runMessage("say", payload, (middleware, current) =>
      middleware.say!(connection, room, current),
    );
  }

  /** The hooks work on a copy; with no hook the payload is returned as it is. */
  private async runMessage(
    direction: MessageDirection,
    payload: MessagePayload,
    run: (
      middleware: ChatMiddleware,
      current: MessagePayload,
    ) => ReturnType<MessageHook>,
  ): Promise<MessagePayload | null> {
    const hooks = this.byDirection[direction];
    if (hooks.length === 0) return payload;
    let current: MessagePayload = { ...payload };
    for (const middleware of hooks) {
      const result = await run(middleware, current);
      if (result === null) return null;
      if (result !== undefined) current = result as MessagePayload;
    }
    return current;
  }

  private update(ordered: ChatMiddleware[]) {
    this.ordered = ordered;
    this.byDirection = groupByDirection(ordered);
  }
}

function groupByDirection(ordered: ChatMiddleware[]) {
  return Object.fromEntries(
    directions.map((direction) => [
      direction,
      ordered.filter(
        (middleware) => typeof middleware[direction] === "function",
      ),
    ]),
  ) as Record<Direction, ChatMiddleware[]>;
}
