/** What the chat engine needs of a connection: actionhero's `Connection` has all of it. */
export interface ChatConnection {
  id: string;
  /** The rooms this connection is in; the engine keeps it current. */
  rooms: string[];
  /** Connections of servers that cannot chat (web) are refused. */
  canChat?: boolean | null;
  /** Set once the connection is closing: it may not join rooms any more. */
  destroyed?: boolean;
  type?: string;
  sendMessage(message: any, verb?: string): unknown;
  /** Closes the connection (a connection that floods is closed). */
  destroy?(): unknown;
}

/**
 * A session as the stand-ins for connections carry it (actionhero's `Connection` has
 * `session?: Record<string, any>`). An application declares its own fields by declaration merging:
 * `declare module "ah-chat-plugin" { interface ChatConnectionSession { name?: string } }`.
 */
export interface ChatConnectionSession {
  [key: string]: unknown;
}

/** Params as the stand-ins for connections carry them (actionhero's are `ConnectionParams`); mergeable too. */
export interface ChatConnectionParams {
  [key: string]: unknown;
}

/**
 * What `leave` middleware is given for a member reaped from a node that died: a stand-in for its
 * connection, with the member's id and the details stored when it joined. The connection is gone, so
 * its `session` and `params` are only what `generateMemberDetails` stored under those keys.
 */
export interface ReapedConnection extends ChatConnection {
  reaped: true;
  memberDetails: MemberDetails;
  session?: ChatConnectionSession;
  params?: ChatConnectionParams;
  rooms: [];
  canChat: false;
  destroyed: true;
}

/**
 * A stand-in sender for `broadcast` from server code: `{}`, `{id}` or `{room}`; its `session` and
 * `params` are there if the caller gave them.
 */
export interface MockConnection {
  id?: string | number;
  room?: string;
  rooms?: undefined;
  session?: ChatConnectionSession;
  params?: ChatConnectionParams;
}

export type Sender = ChatConnection | MockConnection | null | undefined;

/** A message as delivered to members. By default exactly these keys. */
export interface MessagePayload {
  message: unknown;
  room: string;
  from: string;
  context: string;
  sentAt: number;
  [key: string]: unknown;
}

export type PresenceEvent = "join" | "leave";

/**
 * What members of a room receive when a presence key's first connection joins or its last one
 * leaves. (A type, not an interface: it is a plain JSON record, as listeners may take it.)
 */
export type PresencePayload = {
  context: "presence";
  event: PresenceEvent;
  room: string;
  key: string;
  /** `sanitizeMemberDetails` of the connection that joined or left. */
  member: Record<string, unknown>;
  sentAt: number;
};

/** What `generateMessagePayload` is given: the shape actionhero's own chat uses. */
export interface MessageEnvelope {
  message: unknown;
  sentAt: number;
  serverId: string;
  connection: { id: string; room: string };
}

/** What is stored per member. By default `{id, host, joinedAt}`. */
export interface MemberDetails {
  id: string;
  joinedAt?: number;
  host?: string;
  [key: string]: unknown;
}

export interface RoomStatus {
  room: string;
  membersCount: number;
  members: Record<string, { id: string; [key: string]: unknown }>;
}

/** Finds the connections this node holds. */
export interface ConnectionDirectory {
  get(connectionId: string): ChatConnection | undefined;
  /** The node's connections that can chat, by server type, for the admin page; without it none are counted. */
  countByType?(): Record<string, number>;
}

export type LogLevel = "debug" | "info" | "notice" | "warning" | "error";
export type ChatLogger = (
  message: string,
  level: LogLevel,
  data?: unknown,
) => void;

export type MaybePromise<T> = T | Promise<T>;
