import type { ChatTransport } from "./chatTransport";
import type { NodeWriteBudget } from "./nodeWriteBudget";
import type { ChatObserver } from "./observability/chatObserver";
import type { ChatConnection, ChatLogger } from "./types";

/**
 * The one slow-reader policy, for room messages and the socket server's own answers alike: a
 * connection with more than `maxWriteBuffer` bytes unsent is not written to but closed, told why, so
 * that the node never holds more for a client that does not read. Given the node's `budget`, what the
 * connection holds is counted toward it, which may cut the connections holding the most, this one
 * among them. Returns whether nothing is to be written to the connection.
 */
export function closeIfSlowReader(
  transport: ChatTransport,
  connection: ChatConnection,
  maxWriteBuffer: number,
  observer: ChatObserver,
  log: ChatLogger,
  budget?: NodeWriteBudget,
): boolean {
  const unsent = transport.unsentBytes(connection);
  if (unsent <= maxWriteBuffer)
    return budget !== undefined && !budget.admit(connection, unsent);
  budget?.forget(connection);
  // Its close is under way: it is closed and counted once.
  if (connection.destroyed) return true;
  observer.connectionClosed("slow_reader");
  log(
    `closing ${connection.type ?? "a"} connection "${connection.id}": ${unsent} bytes wait for it, more than maxWriteBuffer`,
    "warning",
  );
  transport.close(connection, "slow_reader");
  return true;
}
