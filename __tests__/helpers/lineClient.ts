import { EventEmitter } from "events";
import * as net from "net";
import * as tls from "tls";
import { isRoomMessage, waitForMessage } from "./testConnection";

type Message = Record<string, any>;

/** A bare TCP (or TLS) client of the socket server: writes raw bytes, records each JSON line it gets back. */
export class LineClient {
  readonly received: Message[] = [];
  readonly events = new EventEmitter();
  private buffer = "";
  readonly closed: Promise<void>;

  private constructor(readonly socket: net.Socket) {
    socket.on("data", (chunk: Buffer) => {
      this.buffer += chunk.toString();
      let end: number;
      while ((end = this.buffer.indexOf("\n")) >= 0) {
        const line = this.buffer.slice(0, end).trim();
        this.buffer = this.buffer.slice(end + 1);
        if (!line) continue;
        const message = JSON.parse(line) as Message;
        this.received.push(message);
        this.events.emit("message", message);
      }
    });
    socket.on("error", () => undefined);
    this.closed = new Promise((resolve) =>
      socket.once("close", () => resolve()),
    );
  }

  static connect(
    port: number,
    tlsOptions?: tls.ConnectionOptions,
  ): Promise<LineClient> {
    return new Promise((resolve, reject) => {
      const socket = tlsOptions
        ? tls.connect({ port, host: "127.0.0.1", ...tlsOptions })
        : net.connect({ port, host: "127.0.0.1" });
      const client = new LineClient(socket);
      socket.once("error", reject);
      client.closed.then(() =>
        reject(
          new Error("the server closed the connection before its welcome"),
        ),
      );
      client
        .waitFor((message) => message.welcome !== undefined)
        .then(() => resolve(client), reject);
    });
  }

  write(data: string | Buffer) {
    this.socket.write(data);
  }

  /** Sends one line and waits for the response with the given messageId. */
  async request(line: string, messageId: number) {
    this.write(line + "\n");
    return this.response(messageId);
  }

  response(messageId: number) {
    return this.waitFor(
      (message) =>
        message.context === "response" && message.messageId === messageId,
      `response ${messageId}`,
    );
  }

  waitFor(predicate: (message: Message) => boolean, description?: string) {
    return waitForMessage(this.received, this.events, predicate, description);
  }

  hears(room: string, text: unknown) {
    return this.waitFor(
      (message) => isRoomMessage(message, room, text),
      `"${JSON.stringify(text)}" in ${room}`,
    );
  }

  end() {
    this.socket.end();
    return this.closed;
  }
}
