import type { Writable } from "stream";

let corked = new Set<Writable>();

/**
 * Past this many bytes held for one stream in one turn, what it holds leaves at once, as a client
 * socket's batch does (`turnBatch.ts`).
 */
const flushAt = 64 * 1024;

/**
 * Holds a stream's writes until this turn of the event loop has handled all the input it found
 * ready (`setImmediate` runs after the poll phase), so that everything written to it in one turn
 * leaves in one system call. For the streams the plugin does not write itself, Redis connections,
 * whose commands ioredis writes: Node's cork is the one way to hold them. It never holds data past
 * the turn.
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
