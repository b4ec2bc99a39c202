import type { Socket } from "net";

type Writer = (this: Socket, ...args: never[]) => unknown;

/**
 * Counts, from now on, the writes a socket hands to the system: each call of its `_write` (one
 * chunk) or `_writev` (all it held, as one `writev`) is one system call.
 */
export function countWrites(socket: Socket) {
  const target = socket as unknown as { _write: Writer; _writev?: Writer };
  const { _write: write, _writev: writev } = target;
  let count = 0;
  target._write = function (...args) {
    count++;
    return write.apply(this, args);
  };
  if (writev)
    target._writev = function (...args) {
      count++;
      return writev.apply(this, args);
    };
  return {
    get count() {
      return count;
    },
    restore() {
      target._write = write;
      target._writev = writev;
    },
  };
}
