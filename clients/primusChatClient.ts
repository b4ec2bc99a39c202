import { ChatClient, type ServerMessage } from "./chatClient";

/** What the clients use of a Primus client socket: the same in Node and in browsers. */
export interface PrimusSocket {
  on(event: "data", listener: (message: ServerMessage) => void): void;
  on(event: "error", listener: (error: Error) => void): void;
  on(event: "end", listener: () => void): void;
  write(data: unknown): boolean;
  end(): void;
}

export type PrimusSocketConstructor = new (
  url: string,
  options: { strategy: false },
) => PrimusSocket;

/**
 * A client of actionhero's websocket server, which speaks Primus: what the Node and the browser
 * websocket clients share. Each says how to make a Primus socket; actions and verbs are written
 * as actionhero's websocket server reads them.
 */
export abstract class PrimusChatClient extends ChatClient {
  private socket?: PrimusSocket;

  /** The Primus client of the server's Primus (its transformer, parser and pathname). */
  protected abstract primusSocket(): PrimusSocketConstructor;
  /** The URL the socket connects to. */
  protected abstract socketUrl(): string;

  protected openTransport() {
    // Primus would reconnect by itself: the chat client does instead, and rejoins its rooms.
    const socket = new (this.primusSocket())(this.socketUrl(), {
      strategy: false,
    });
    let lastError: Error | undefined;
    socket.on("data", (message) => this.receive(message));
    socket.on("error", (error) => (lastError = error));
    socket.on("end", () => {
      if (this.socket === socket) this.socket = undefined;
      this.transportClosed(lastError);
    });
    this.socket = socket;
  }

  protected writeRequest(request: ServerMessage, messageId: number) {
    if (!this.socket) throw new Error("not connected");
    const { action, params, ...verb } = request;
    this.socket.write(
      action
        ? {
            event: "action",
            params: { ...(params as object), action },
            messageId,
          }
        : { ...verb, messageId },
    );
  }

  protected closeTransport() {
    this.socket?.end();
  }
}
