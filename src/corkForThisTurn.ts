import type { Writable } from "stream";

let corked = new Set<Writable>();

/**
 * Past this many bytes held for one stream in one turn, what it holds leaves at once: a turn that
 * reads a lot (libuv reads up to 32 × 64 KiB from each ready socket) holds little per connection,
 * and a member that reads as fast as it is sent is never taken for a slow reader.
 */
const flushAt = 64 * 1024;

/**
 * Holds a stream's writes until this turn of the event loop has handled all the input it found
 * ready (`setImmediate` runs after the poll phase), so that everything a connection is sent in one
 * turn leaves in one system call, not one per message: the messages of every Redis reply read in
 * the turn, and the answers to the requests it finished. The plugin's sockets do not wait for more
 * (no Nagle): this is their only batching, and it never holds data past the turn.
 */
export function corkForThisTurn(stream: Writable) {
  if (corked.has(stream)) {
    if (stream.writableLength >= flushAt) {
      stream.uncork();
      stream.cork();
    }
    return;
  }
  if (corked.size === 0) setImmediate(uncorkAll);
  stream.cork();
  corked.add(stream);
}

function uncorkAll() {
  // Taken first: a stream corked while these are flushed waits for a flush of its own.
  const streams = corked;
  corked = new Set();
  for (const stream of streams) {
    try {
      stream.uncork();
    } catch {
      // One stream that fails to flush must not leave the others corked; its own error event tells.
    }
  }
}
