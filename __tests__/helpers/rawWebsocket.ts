import { EventEmitter } from "events";
import { waitForMessage } from "./testConnection";
import { PrimusSocket } from "./websocketClient";

interface PrimusClient extends EventEmitter {
  write(data: unknown): boolean;
  end(): void;
  /** The `ws` socket underneath, and its TCP socket. */
  socket?: {
    send(text: string): void;
    on(event: "message", listener: (data: Buffer) => void): void;
    _socket?: { pause(): void; resume(): void; destroy(): void };
  };
}

type Message = Record<string, any>;

/** A websocket client below actionhero's: it sends any value, or any text, as one frame. */
export class RawWebsocket {
  readonly received: Message[] = [];
  /** Every text frame the server sent, as sent, Primus' own (its pings) included. */
  readonly frames: string[] = [];
  /** Resolves when the connection closes, whichever side closes it. */
  readonly ended: Promise<void>;
  private readonly events = new EventEmitter();

  private constructor(private readonly primus: PrimusClient) {
    this.events.setMaxListeners(0);
    this.ended = new Promise((resolve) => primus.once("end", () => resolve()));
    primus.on("data", (message: Message) => {
      this.received.push(message);
      this.events.emit("message", message);
    });
  }

  static async connect(url: string) {
    // No reconnecting: a test that sees the server close the connection is done with it.
    const options = { strategy: false } as unknown as { strategy: [] };
    const primus = new PrimusSocket(url, options) as unknown as PrimusClient;
    const socket = new RawWebsocket(primus);
    await new Promise<void>((resolve, reject) => {
      primus.once("open", () => {
        primus.socket?.on("message", (data) =>
          socket.frames.push(String(data)),
        );
        resolve();
      });
      primus.once("error", reject);
    });
    return socket;
  }

  /** One frame of this value's JSON (Primus' own encoding). */
  write(value: unknown) {
    this.primus.write(value);
  }

  /** One frame of exactly this text, JSON or not. */
  writeText(text: string) {
    this.primus.socket?.send(text);
  }

  /** Stops reading what the server sends, as a client that hangs does. */
  stopReading() {
    this.primus.socket?._socket?.pause();
  }

  /** Reads again, after `stopReading`. */
  resumeReading() {
    this.primus.socket?._socket?.resume();
  }

  waitFor(predicate: (message: Message) => boolean, description?: string) {
    return waitForMessage(this.received, this.events, predicate, description);
  }

  /** Closes the connection, and its TCP socket at once (a client that stopped reading would never see the close). */
  end() {
    const tcp = this.primus.socket?._socket;
    this.primus.end();
    tcp?.destroy();
  }
}
