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
 * What `leave` middleware is given for a member reaped from a node that died: a stand-in for its
 * connection, with the member's id and the details stored when it joined.
 */
export interface ReapedConnection extends ChatConnection {
  reaped: true;
  memberDetails: MemberDetails;
  rooms: [];
  canChat: false;
  destroyed: true;
}

/** A stand-in sender for `broadcast` from server code: `{}`, `{id}` or `{room}`. */
export interface MockConnection {
  id?: string | number;
  room?: string;
  rooms?: undefined;
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
}

export type LogLevel = "debug" | "info" | "notice" | "warning" | "error";
export type ChatLogger = (
  message: string,
  level: LogLevel,
  data?: unknown,
) => void;

export type MaybePromise<T> = T | Promise<T>;
