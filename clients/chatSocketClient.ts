import * as net from "net";
import * as tls from "tls";
import { LineReader } from "../socketProtocol/lineReader";
import {
  ChatClient,
  type ChatClientOptions,
  type ServerMessage,
} from "./chatClient";

export interface ChatSocketClientOptions extends ChatClientOptions {
  host?: string;
  port?: number;
  /** TLS: `true`, or the options of `tls.connect` (a `ca` for a self-signed server, for instance). */
  tls?: boolean | tls.ConnectionOptions;
  /** Longest line accepted from the server, in characters. */
  maxLineLength?: number;
}

/**
 * A Node client of the plugin's `socket` server, over TCP or TLS. Requests are sent as JSON lines,
 * so room names and messages may hold any character and messages may be any JSON value.
 *
 * ```ts
 * const client = new ChatSocketClient({ host: "localhost", port: 5000 });
 * await client.connect();
 * client.on("say", (message) => console.log(message.room, message.from, message.message));
 * await client.roomAdd("lobby");
 * await client.say("lobby", "hello");
 * ```
 */
export class ChatSocketClient extends ChatClient {
  private socket?: net.Socket;

  constructor(private readonly options: ChatSocketClientOptions = {}) {
    super(options);
  }

  protected openTransport() {
    const { host = "127.0.0.1", port = 5000, tls: tlsOptions } = this.options;
    const socket = tlsOptions
      ? tls.connect({ host, port, ...(tlsOptions === true ? {} : tlsOptions) })
      : net.connect({ host, port });
    // Each request is written whole: Nagle's algorithm would only delay one sent right after another.
    socket.setNoDelay(true);
    const lines = new LineReader(
      "\n",
      this.options.maxLineLength ?? 16 * 1024 * 1024,
    );
    let lastError: Error | undefined;
    socket.on("data", (chunk: Buffer) => {
      for (const event of lines.push(chunk)) {
        if ("tooLong" in event)
          this.reportError(
            new Error("the server sent a line longer than maxLineLength"),
          );
        else this.receiveLine(event.line);
      }
    });
    socket.on("error", (error) => (lastError = error));
    socket.on("close", () => {
      if (this.socket === socket) this.socket = undefined;
      this.transportClosed(lastError);
    });
    this.socket = socket;
  }

  protected writeRequest(request: Record<string, unknown>) {
    if (!this.socket || !this.socket.writable) throw new Error("not connected");
    this.socket.write(JSON.stringify(request) + "\n");
  }

  protected closeTransport() {
    this.socket?.end();
  }

  private receiveLine(line: string) {
    if (line.trim().length === 0) return;
    let message: ServerMessage;
    try {
      message = JSON.parse(line);
    } catch (error) {
      return this.reportError(
        new Error(
          `the server sent a line that is not JSON: ${(error as Error).message}`,
        ),
      );
    }
    // Outside the try: what a listener throws is its own error, not the line's.
    this.receive(message);
  }
}
