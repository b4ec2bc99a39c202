import type { EventEmitter } from "events";
import { api, type Connection } from "actionhero";

/** What the plugin needs of actionhero's websocket server. */
export interface WebsocketServer extends EventEmitter {
  handleData(connection: Connection, data: unknown): Promise<unknown>;
  /** Destroys the connection of a spark Primus says has disconnected. */
  handleDisconnection(spark: object): void;
  sendMessage(
    connection: Connection,
    message: Record<string, unknown>,
    messageId?: string | number,
  ): Promise<unknown>;
}

/** Actionhero's websocket server, once the servers exist; undefined in an app without one. */
export function websocketServer(): WebsocketServer | undefined {
  return api.servers.servers.websocket as unknown as
    WebsocketServer | undefined;
}
