import type { ChatConfig } from "./config";
import type { ChatTransports } from "./chatTransport";
import type { ChatObserver } from "./observability/chatObserver";
import { trace } from "./observability/trace";
import type { ChatConnection, ChatLogger } from "./types";

export interface NodeWriteBudgetParts {
  /** Every connection the node writes room messages to: measured again when the total passes the budget. */
  connections(): Iterable<ChatConnection>;
  transports: ChatTransports;
  /** Read at each write, so that a changed setting applies at once. */
  config: Pick<ChatConfig, "maxNodeWriteBuffer">;
  observer: ChatObserver;
  log: ChatLogger;
}

/** What the node may hold after a cut, as a share of the budget: the margin keeps the next message from cutting again. */
const afterCut = 0.9;

interface Holding {
  connection: ChatConnection;
  unsent: number;
}

/**
 * The node's bound on the unsent output of all its connections in rooms (`maxNodeWriteBuffer`), where
 * `maxWriteBuffer` bounds each one alone: many slightly slow readers together cannot hold more. The
 * total is kept as each write's read of the connection's unsent bytes comes in, by the difference
 * from its last read, so that a write costs a lookup, a subtraction and an addition; only past the
 * budget are the connections measured again, and those holding the most closed first.
 */
export class NodeWriteBudget {
  /** Each connection's unsent bytes at its last read, as counted in `total`. */
  private known = new WeakMap<ChatConnection, number>();
  /** The sum of `known`. A connection that went away holds its last share until the next measure. */
  private total = 0;

  constructor(private readonly parts: NodeWriteBudgetParts) {}

  /**
   * Counts `unsent`, just read, as what the connection holds; past the budget, cuts the connections
   * holding the most. Returns whether the connection may be written to: not once it is closing.
   */
  admit(connection: ChatConnection, unsent: number): boolean {
    if (connection.destroyed) {
      this.forget(connection);
      return false;
    }
    const last = this.known.get(connection) ?? 0;
    if (unsent === last) return true;
    this.known.set(connection, unsent);
    this.total += unsent - last;
    // Only a growth can pass the budget: a cut leaves the node under it.
    if (unsent > last && this.total > this.parts.config.maxNodeWriteBuffer)
      this.cut();
    return !connection.destroyed;
  }

  /** Takes out the share of a connection that is closed. */
  forget(connection: ChatConnection) {
    this.total -= this.known.get(connection) ?? 0;
    this.known.delete(connection);
  }

  /** Measures every connection again; if the node is really over its budget, closes the heaviest first. */
  private cut() {
    const budget = this.parts.config.maxNodeWriteBuffer;
    const estimate = this.total;
    const holding = this.measure();
    const held = this.total;
    if (held <= budget) {
      trace.deliver(
        "unsent output counted %d bytes, measured %d: within maxNodeWriteBuffer (%d)",
        estimate,
        held,
        budget,
      );
      return;
    }
    // Sorted only past the budget, and only the connections that hold anything.
    holding.sort((a, b) => b.unsent - a.unsent);
    const cut: ChatConnection[] = [];
    for (const { connection } of holding) {
      if (this.total <= budget * afterCut) break;
      cut.push(connection);
      this.forget(connection);
    }
    const freed = held - this.total;
    trace.deliver(
      "unsent output %d bytes, past maxNodeWriteBuffer (%d): cutting the %d connections holding most, %d bytes",
      held,
      budget,
      cut.length,
      freed,
    );
    this.parts.log(
      `cut ${cut.length} connections holding ${freed} bytes unsent: the node held ${held}, more than maxNodeWriteBuffer (${budget}); it now holds ${this.total}`,
      "warning",
    );
    for (const connection of cut) {
      this.parts.observer.connectionClosed("node_write_budget");
      this.parts.transports
        .for(connection)
        .close(connection, "node_write_budget");
    }
  }

  /** Reads what every connection holds now, as the new `total`; returns those holding anything. */
  private measure(): Holding[] {
    const holding: Holding[] = [];
    // Built anew, so that what is known is exactly what the total counts: gone connections drop out.
    this.known = new WeakMap();
    this.total = 0;
    for (const connection of this.parts.connections()) {
      if (connection.destroyed) continue;
      const unsent = this.parts.transports
        .for(connection)
        .unsentBytes(connection);
      if (unsent === 0) continue;
      this.known.set(connection, unsent);
      this.total += unsent;
      holding.push({ connection, unsent });
    }
    return holding;
  }
}
