import type { RoomMessage } from "./roomMessage";

/**
 * `make` of a room message, made at most once however many members receive it (a frame, a line, an
 * escaped JSON), and let go with the message.
 */
export function oncePerMessage<T>(
  make: (message: RoomMessage) => T,
): (message: RoomMessage) => T {
  const made = new WeakMap<RoomMessage, T>();
  return (message) => {
    let value = made.get(message);
    if (value === undefined) {
      value = make(message);
      made.set(message, value);
    }
    return value;
  };
}
