/** Every refusal of the chat engine: `code` for programs, `message` for people. */
export class ChatError extends Error {
  constructor(
    readonly code: ChatErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "ChatError";
  }
}

export type ChatErrorCode =
  | "ROOM_REQUIRED"
  | "ROOM_NAME_TOO_LONG"
  | "ROOM_NAME_INVALID"
  | "ROOM_NOT_FOUND"
  | "NOT_A_MEMBER"
  | "MESSAGE_REQUIRED"
  | "MESSAGE_TOO_LONG"
  | "CANNOT_CHAT"
  | "CONNECTION_NOT_FOUND"
  | "CONNECTION_CLOSED"
  | "CHAT_UNAVAILABLE"
  | "RATE_LIMITED"
  | "TOO_MANY_ROOMS"
  | "ROOM_BUSY"
  | "INVALID_REQUEST"
  | "NODE_TIMEOUT"
  | "HISTORY_OFF"
  | "INVALID_LIMIT";

export const chatErrors = {
  roomRequired: () => new ChatError("ROOM_REQUIRED", "a room name is required"),
  roomNameTooLong: (room: string, max: number) =>
    new ChatError(
      "ROOM_NAME_TOO_LONG",
      `room name "${room.slice(0, 32)}..." is longer than ${max} characters`,
    ),
  roomNameInvalid: (room: string) =>
    new ChatError(
      "ROOM_NAME_INVALID",
      `room name "${room.slice(0, 32)}" may not begin with "}" (its Redis keys could not share a hash slot)`,
    ),
  roomNotFound: (room: string) =>
    new ChatError("ROOM_NOT_FOUND", `room "${room}" does not exist`),
  notAMember: (connectionId: string, room: string) =>
    new ChatError(
      "NOT_A_MEMBER",
      `connection "${connectionId}" is not a member of room "${room}"`,
    ),
  messageRequired: (room: string) =>
    new ChatError(
      "MESSAGE_REQUIRED",
      `a message to room "${room}" is required`,
    ),
  messageTooLong: (room: string, max: number) =>
    new ChatError(
      "MESSAGE_TOO_LONG",
      `message to room "${room}" is longer than ${max} characters`,
    ),
  cannotChat: (connectionId: string, type: string | undefined) =>
    new ChatError(
      "CANNOT_CHAT",
      `connection "${connectionId}" (${type ?? "unknown"}) cannot chat`,
    ),
  connectionClosed: (connectionId: string) =>
    new ChatError(
      "CONNECTION_CLOSED",
      `connection "${connectionId}" is closed`,
    ),
  rateLimited: (connectionId: string, perSecond: number) =>
    new ChatError(
      "RATE_LIMITED",
      `connection "${connectionId}" says more than ${perSecond} messages a second: slow down`,
    ),
  tooManyRooms: (connectionId: string, max: number) =>
    new ChatError(
      "TOO_MANY_ROOMS",
      `connection "${connectionId}" is in ${max} rooms, the most one connection may be in`,
    ),
  roomBusy: (room: string, max: number) =>
    new ChatError(
      "ROOM_BUSY",
      `room "${room}" has ${max} messages waiting for its say middleware on this node: try again shortly`,
    ),
  invalidRequest: (reason: string) =>
    new ChatError("INVALID_REQUEST", `invalid request: ${reason}`),
  unavailable: () =>
    new ChatError(
      "CHAT_UNAVAILABLE",
      "chat is unavailable: this node cannot reach Redis; try again shortly",
    ),
  nodeSilent: (nodeId: string) =>
    new ChatError("NODE_TIMEOUT", `node "${nodeId}" did not answer in time`),
  connectionNotFound: (connectionId: string) =>
    new ChatError(
      "CONNECTION_NOT_FOUND",
      `connection "${connectionId}" is not connected to any node`,
    ),
  historyOff: (room: string) =>
    new ChatError(
      "HISTORY_OFF",
      `room "${room}" keeps no history: set config.chat.history.size to keep one`,
    ),
  invalidLimit: (room: string, limit: unknown) =>
    new ChatError(
      "INVALID_LIMIT",
      `history limit ${String(limit)} for room "${room}" is not a whole number of 0 or more`,
    ),
};
