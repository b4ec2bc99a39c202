import type { Writable } from "stream";

let corked = new Set<Writable>();

/**
 * Holds a stream's writes until this turn of the event loop has handled all the input it found
 * ready (`setImmediate` runs after the poll phase), so that everything a connection is sent in one
 * turn leaves in one system call, not one per message: the messages of every Redis reply read in
 * the turn, and the answers to the requests it finished. The plugin's sockets do not wait for more
 * (no Nagle): this is their only batching, and it never holds data past the turn.
 */
export function corkForThisTurn(stream: Writable) {
  if (corked.has(stream)) return;
  if (corked.size === 0) setImmediate(uncorkAll);
  stream.cork();
  corked.add(stream);
}

function uncorkAll() {
  // Taken first: a stream corked while these are flushed waits for a flush of its own.
  const streams = corked;
  corked = new Set();
  for (const stream of streams) stream.uncork();
}
