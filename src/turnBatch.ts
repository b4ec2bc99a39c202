import type { Socket } from "net";
import { trace } from "./observability/trace";

type Chunk = Buffer | string;
type WriteCallback = (error?: Error | null) => void;

/**
 * What one client socket has been sent in this turn, not yet written. Most sockets are sent one chunk
 * a turn: it is kept apart, so that a batch of one allocates nothing.
 */
interface TurnBatch {
  first: Chunk | undefined;
  /** The chunks after the first, if any. */
  more: Chunk[] | undefined;
  /** Their length as Node counts a socket's buffered output: bytes of a buffer, characters of a string. */
  length: number;
  /** Of writes that want to know when they are done: called once the batch is written. */
  callbacks: WriteCallback[] | undefined;
}

const turnBatch = Symbol("turnBatch");
type BatchedSocket = Socket & { [turnBatch]?: TurnBatch };

/**
 * Past this much held for one socket in one turn, what it holds leaves at once: a turn that reads a
 * lot (libuv reads up to 32 × 64 KiB from each ready socket) holds little per connection, and a
 * member that reads as fast as it is sent is never taken for a slow reader.
 */
const flushAt = 64 * 1024;

/** Sockets with a batch to write at the end of this turn (a socket written early may be listed twice). */
let due: BatchedSocket[] = [];

/**
 * Writes `chunk` to a client socket at the end of this turn, after everything written to it before in
 * the turn and in the same system call: a member's room messages from every Redis reply read in the
 * turn, and the answers to the requests it finished, leave together. The batch is the plugin's own,
 * an array of the chunks joined once, not Node's corked buffer, which keeps an object per chunk and
 * hands them to `writev`. The plugin's sockets do not wait for more (no Nagle): this is their only
 * batching, and it never holds data past the turn (`setImmediate` runs after the poll phase).
 */
export function writeInTurn(
  socket: Socket,
  chunk: Chunk,
  callback?: WriteCallback,
) {
  const batched = socket as BatchedSocket;
  let batch = batched[turnBatch];
  if (batch === undefined) batch = batched[turnBatch] = newBatch(batched);
  if (batch.first === undefined) {
    if (due.length === 0) setImmediate(writeDueBatches);
    due.push(batched);
    batch.first = chunk;
  } else (batch.more ??= []).push(chunk);
  batch.length += chunk.length;
  if (callback) (batch.callbacks ??= []).push(callback);
  if (batch.length >= flushAt) flushTurn(socket);
}

/**
 * A socket's batch, made at its first write. Whoever ends the socket (the server's goodbye, `ws` when
 * the client's FIN arrives, Node on a half-closed socket), what the turn holds is written first, as
 * Node writes a corked stream's buffer before its end.
 */
function newBatch(socket: BatchedSocket): TurnBatch {
  const end = socket.end;
  socket.end = function endAfterBatch(this: Socket, ...args: unknown[]) {
    flushTurn(socket);
    return (end as (...args: unknown[]) => Socket).apply(this, args);
  } as Socket["end"];
  return { first: undefined, more: undefined, length: 0, callbacks: undefined };
}

/** What the socket holds in this turn's batch, as Node counts `writableLength`. */
export function heldInTurn(socket: Socket): number {
  return (socket as BatchedSocket)[turnBatch]?.length ?? 0;
}

/** Writes the socket's batch now: before what must follow it, such as the end of the stream. */
function flushTurn(socket: Socket) {
  const batch = (socket as BatchedSocket)[turnBatch];
  if (batch === undefined || batch.first === undefined) return;
  const data = batch.more ? joined(batch.first, batch.more) : batch.first;
  const done = whenWritten(batch.callbacks);
  batch.first = batch.more = batch.callbacks = undefined;
  batch.length = 0;
  if (socket.destroyed || !socket.writable) {
    trace.deliver("a closed socket's batch of this turn is dropped");
    if (done) process.nextTick(done, new Error("the socket is closed"));
    return;
  }
  socket.write(data, done);
}

function writeDueBatches() {
  // Taken first: a socket written to while these are written waits for a turn of its own.
  const sockets = due;
  due = [];
  for (const socket of sockets) {
    try {
      flushTurn(socket);
    } catch {
      // One socket that fails to write must not hold back the others; its own error event tells.
    }
  }
}

function joined(first: Chunk, more: Chunk[]): Chunk {
  if (
    typeof first === "string" &&
    more.every((chunk) => typeof chunk === "string")
  )
    return first + more.join("");
  const buffers = [first, ...more].map((chunk) =>
    typeof chunk === "string" ? Buffer.from(chunk) : chunk,
  );
  return Buffer.concat(buffers);
}

function whenWritten(
  callbacks: WriteCallback[] | undefined,
): WriteCallback | undefined {
  if (callbacks === undefined || callbacks.length === 1) return callbacks?.[0];
  return (error) => {
    // Each is told, whatever another one does.
    for (const callback of callbacks)
      try {
        callback(error);
      } catch (thrown) {
        process.nextTick(() => {
          throw thrown;
        });
      }
  };
}
