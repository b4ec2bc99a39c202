import Primus from "primus";
import { ChatClient, type ChatClientOptions } from "./chatClient";

export interface ChatWebsocketClientOptions extends ChatClientOptions {
  /** The actionhero server's URL, as `http://localhost:8080`. */
  url: string;
  /** Must match the server's `config.websocket.server` (actionhero's defaults: websockets, JSON). */
  primus?: { transformer?: string; parser?: string; pathname?: string };
}

interface PrimusSocket {
  on(event: string, listener: (...args: any[]) => void): void;
  write(data: unknown): boolean;
  end(): void;
}

/**
 * A Node client of actionhero's websocket server, with the same surface as `ChatSocketClient`,
 * so bots and tests need no browser.
 *
 * ```ts
 * const client = new ChatWebsocketClient({ url: "http://localhost:8080" });
 * await client.connect();
 * await client.roomAdd("lobby");
 * ```
 */
export class ChatWebsocketClient extends ChatClient {
  private socket?: PrimusSocket;
  private readonly Socket: new (url: string, options: object) => PrimusSocket;

  constructor(private readonly options: ChatWebsocketClientOptions) {
    super(options);
    const {
      transformer = "websockets",
      parser = "JSON",
      pathname,
    } = options.primus ?? {};
    const socketOptions = {
      transformer,
      parser,
      ...(pathname ? { pathname } : {}),
    };
    this.Socket = Primus.createSocket(
      socketOptions as Parameters<typeof Primus.createSocket>[0],
    ) as never;
  }

  protected openTransport() {
    // The client reconnects by itself (and rejoins its rooms), so Primus's own reconnecting is off.
    const socket = new this.Socket(this.options.url, { strategy: false });
    let lastError: Error | undefined;
    socket.on("data", (message: Record<string, unknown>) =>
      this.receive(message),
    );
    socket.on("error", (error: Error) => (lastError = error));
    socket.on("end", () => {
      if (this.socket === socket) this.socket = undefined;
      this.transportClosed(lastError);
    });
    this.socket = socket;
  }

  protected writeRequest(request: Record<string, unknown>, messageId: number) {
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
