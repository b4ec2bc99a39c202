import type { Socket } from "net";

let corked = new Set<Socket>();

/**
 * Holds a socket's writes until the messages being handled now have all been handed over (the next
 * tick), so that everything a connection is sent in one turn leaves in one system call, not one per
 * message. The plugin's sockets do not wait for more (no Nagle): this is their only batching.
 */
export function corkForThisTurn(socket: Socket) {
  if (corked.has(socket)) return;
  if (corked.size === 0) process.nextTick(uncorkAll);
  socket.cork();
  corked.add(socket);
}

function uncorkAll() {
  // Taken first: a socket corked while these are flushed waits for a flush of its own.
  const sockets = corked;
  corked = new Set();
  for (const socket of sockets) socket.uncork();
}
