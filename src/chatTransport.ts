import type { ClosingReason } from "./observability/chatObserver";
import type { RoomMessage } from "./roomMessage";
import { closingPayload } from "./roomNotice";
import type { ChatConnection } from "./types";

/** How the node writes to the connections of one server type, and closes one it will not serve. */
export interface ChatTransport {
  /**
   * Writes one room message; `message.json` is serialized once per node. A failure may be thrown or
   * returned as a promise that rejects: either is logged.
   */
  write(connection: ChatConnection, message: RoomMessage): unknown;
  /** Bytes written to the connection and not yet taken by the kernel. */
  unsentBytes(connection: ChatConnection): number;
  /** Tells the client why (a notice with the reason code), then closes the connection. */
  close(connection: ChatConnection, reason: ClosingReason): void;
}

/** Closes a connection without waiting: one that fails to close has nothing more to be told. */
export function closeConnection(connection: ChatConnection) {
  void Promise.resolve(connection.destroy?.()).catch(() => undefined);
}

/**
 * Any connection, through its own `sendMessage` and `destroy`: the transport of a server that has none
 * of its own (actionhero's `specHelper`, say). It cannot tell what is unsent.
 */
export const sendMessageTransport: ChatTransport = {
  write: (connection, message) =>
    connection.sendMessage(message.payload, "say"),
  unsentBytes: () => 0,
  close(connection, reason) {
    void Promise.resolve(
      connection.sendMessage(closingPayload(reason), "say"),
    ).catch(() => undefined);
    closeConnection(connection);
  },
};

/** The transport of each connection type; a type without one of its own goes through `sendMessage`. */
export class ChatTransports {
  private readonly byType = new Map<string, ChatTransport>();

  /** Makes `transport` the one of connections of `type`; returns what undoes it. */
  register(type: string, transport: ChatTransport): () => void {
    this.byType.set(type, transport);
    return () => {
      if (this.byType.get(type) === transport) this.byType.delete(type);
    };
  }

  for(connection: ChatConnection): ChatTransport {
    const { type } = connection;
    return (
      (type === undefined ? undefined : this.byType.get(type)) ??
      sendMessageTransport
    );
  }
}
