import { chatErrors } from "./errors";

export function assertRoomName(
  room: unknown,
  maxLength: number,
): asserts room is string {
  if (typeof room !== "string" || room.length === 0)
    throw chatErrors.roomRequired();
  if (room.length > maxLength)
    throw chatErrors.roomNameTooLong(room, maxLength);
  // A room's keys are grouped by the hash tag "{<room>}", which must not be empty.
  if (room.startsWith("}")) throw chatErrors.roomNameInvalid(room);
}

/** A message may be any JSON value but an empty one; its size is its length, or its JSON's. */
export function assertMessage(
  room: string,
  message: unknown,
  maxLength: number,
) {
  if (message === undefined || message === null || message === "") {
    throw chatErrors.messageRequired(room);
  }
  const length =
    typeof message === "string"
      ? message.length
      : (JSON.stringify(message) ?? "").length;
  if (length > maxLength) throw chatErrors.messageTooLong(room, maxLength);
}
