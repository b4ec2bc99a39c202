import { EventEmitter } from "events";
import type { MessagePayload, RoomStatus } from "../types";

export interface ReconnectOptions {
  /** How many times in a row to try; Infinity keeps trying. */
  retries: number;
  /** The first wait, in ms; each failed try doubles it, up to `maxDelay`. */
  minDelay: number;
  maxDelay: number;
}

export interface ChatClientOptions {
  /** How long a request waits for its answer, in ms. */
  timeout?: number;
  /** Reconnect after the connection drops (and join the client's rooms again); `false` to not. */
  reconnect?: Partial<ReconnectOptions> | false;
}

/** A request the server refused: `message` is the server's error; `response` the whole answer. */
export class ChatRequestError extends Error {
  constructor(readonly response: Record<string, unknown>) {
    super(String(response.error));
    this.name = "ChatRequestError";
  }
}

export interface ConnectionDetails {
  id: string;
  fingerprint: string;
  remoteIP: string;
  remotePort: number | string;
  params: Record<string, unknown>;
  connectedAt: number;
  rooms: string[];
  totalActions: number;
  pendingActions: number;
}

type Message = Record<string, any>;

interface PendingRequest {
  resolve(response: Message): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

const defaultReconnect: ReconnectOptions = {
  retries: Infinity,
  minDelay: 100,
  maxDelay: 5000,
};

/**
 * What both chat clients share: requests matched to their answers by messageId, with a timeout;
 * `say` events for room messages; reconnecting with backoff, then joining the client's rooms again.
 * A transport (TCP/TLS, websocket) opens, writes and closes; it hands every message it receives to `receive`.
 *
 * Events: `welcome` (the server's greeting), `say` (a room message), `presence` (a presence key
 * joined or left a room), `message` (anything else the server sends unasked), `disconnected` (the
 * connection dropped; it will reconnect), `reconnect` (connected again, rooms rejoined), `recovered`
 * (room: after a reconnect, every message the room said meanwhile has been received), `gap` (room:
 * some of them could not be; reload what the room shows), `error`, and `end` (closed for good).
 *
 * With history on the server, the client remembers the id of the last message of each room and
 * rejoins with it (`roomAdd room since`), so the server sends what it missed before anything newer.
 */
export abstract class ChatClient extends EventEmitter {
  /** This connection's id on the server. */
  id?: string;
  /** The rooms this client joined; it joins them again after a reconnect. */
  readonly rooms = new Set<string>();
  /** The id of the last message received from each room (with history on the server). */
  private readonly lastIds = new Map<string, string>();
  private readonly pending = new Map<number, PendingRequest>();
  private lastMessageId = 0;
  private closing = false;
  private welcomedOnce = false;
  private failedTries = 0;
  private readonly timeout: number;
  private readonly reconnectOptions: ReconnectOptions | false;

  constructor(options: ChatClientOptions = {}) {
    super();
    this.timeout = options.timeout ?? 5000;
    this.reconnectOptions =
      options.reconnect === false
        ? false
        : { ...defaultReconnect, ...options.reconnect };
  }

  /** Opens the connection; resolves once the server has welcomed it. */
  async connect(): Promise<ConnectionDetails> {
    this.closing = false;
    await this.openAndAwaitWelcome();
    return this.detailsView();
  }

  /** Closes the connection for good. */
  close() {
    this.closing = true;
    this.closeTransport();
  }

  /** Joins a room: true if joined, false if already a member. */
  async roomAdd(room: string): Promise<boolean> {
    const added = (await this.request({ event: "roomAdd", room }))
      .data as boolean;
    this.rooms.add(room);
    return added;
  }

  /** Leaves a room: true if left, false if it was not a member. */
  async roomLeave(room: string): Promise<boolean> {
    this.rooms.delete(room);
    this.lastIds.delete(room);
    return (await this.request({ event: "roomLeave", room })).data as boolean;
  }

  async roomView(room: string): Promise<RoomStatus> {
    return (await this.request({ event: "roomView", room })).data as RoomStatus;
  }

  /** Sends a message (any JSON value) to a room this client is in. */
  async say(room: string, message: unknown): Promise<void> {
    await this.request({ event: "say", room, message });
  }

  async detailsView(): Promise<ConnectionDetails> {
    const details = (await this.request({ event: "detailsView" }))
      .data as ConnectionDetails;
    this.id = details.id;
    return details;
  }

  /** Runs an action with these params; resolves with its response, or rejects with its error. */
  action<T extends Message = Message>(
    name: string,
    params: Record<string, unknown> = {},
  ): Promise<T> {
    return this.request({ action: name, params }) as Promise<T>;
  }

  /** The next room message matching the predicate. */
  nextSay(
    predicate: (message: MessagePayload) => boolean = () => true,
  ): Promise<MessagePayload> {
    return new Promise((resolve) => {
      const listener = (message: MessagePayload) => {
        if (!predicate(message)) return;
        this.off("say", listener);
        resolve(message);
      };
      this.on("say", listener);
    });
  }

  protected abstract openTransport(): void;
  protected abstract writeRequest(request: Message, messageId: number): void;
  protected abstract closeTransport(): void;

  /** Each message from the server, parsed. */
  protected receive(message: Message) {
    if (message.context === "response") return this.settle(message);
    if (message.context === "user") {
      if (
        typeof message.id === "string" &&
        typeof message.room === "string" &&
        this.rooms.has(message.room)
      )
        this.lastIds.set(message.room, message.id);
      return this.emit("say", message);
    }
    if (message.context === "presence") return this.emit("presence", message);
    if (message.welcome !== undefined && message.context === "api")
      return this.emit("welcome", message);
    this.emit("message", message);
  }

  /** The transport closed, by the server, the network or `close()`. */
  protected transportClosed(error?: Error) {
    this.failPending(
      new Error(
        error ? `connection lost: ${error.message}` : "connection closed",
      ),
    );
    // A client that never got in does not keep trying in the background: connect() has rejected.
    if (this.closing || this.reconnectOptions === false || !this.welcomedOnce) {
      this.emit("end");
      return;
    }
    this.emit("disconnected", error);
    this.scheduleReconnect(this.reconnectOptions);
  }

  private request(request: Message): Promise<Message> {
    const messageId = ++this.lastMessageId;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(messageId);
        reject(
          new Error(
            `no answer to ${JSON.stringify(request)} within ${this.timeout} ms`,
          ),
        );
      }, this.timeout);
      this.pending.set(messageId, { resolve, reject, timer });
      try {
        this.writeRequest(request, messageId);
      } catch (error) {
        clearTimeout(timer);
        this.pending.delete(messageId);
        reject(error);
      }
    });
  }

  private settle(response: Message) {
    const request = this.pending.get(Number(response.messageId));
    if (!request) return;
    clearTimeout(request.timer);
    this.pending.delete(Number(response.messageId));
    if (response.error) request.reject(new ChatRequestError(response));
    else request.resolve(response);
  }

  private failPending(error: Error) {
    for (const request of this.pending.values()) {
      clearTimeout(request.timer);
      request.reject(error);
    }
    this.pending.clear();
  }

  private openAndAwaitWelcome(): Promise<void> {
    // A new connection counts its requests from 1 again.
    this.lastMessageId = 0;
    return new Promise((resolve, reject) => {
      const welcomed = () => {
        this.welcomedOnce = true;
        this.off("end", ended);
        this.off("disconnected", ended);
        resolve();
      };
      const ended = (error?: Error) => {
        this.off("welcome", welcomed);
        reject(
          error ??
            new Error("the connection closed before the server's welcome"),
        );
      };
      this.once("welcome", welcomed);
      this.once("end", ended);
      this.once("disconnected", ended);
      this.openTransport();
    });
  }

  private scheduleReconnect(options: ReconnectOptions) {
    if (this.failedTries >= options.retries) {
      this.reportError(
        new Error(`gave up reconnecting after ${this.failedTries} tries`),
      );
      this.emit("end");
      return;
    }
    const delay = Math.min(
      options.minDelay * 2 ** this.failedTries,
      options.maxDelay,
    );
    this.failedTries++;
    setTimeout(() => this.reconnect(), delay).unref();
  }

  private async reconnect() {
    if (this.closing) return;
    try {
      await this.openAndAwaitWelcome();
    } catch {
      return; // transportClosed has scheduled the next try
    }
    this.failedTries = 0;
    try {
      await this.detailsView();
      for (const room of this.rooms) await this.rejoin(room);
      this.emit("reconnect");
    } catch (error) {
      this.reportError(error as Error);
    }
  }

  /** Joins a room again after a reconnect, asking for what it missed if it knows where it stopped. */
  private async rejoin(room: string) {
    const since = this.lastIds.get(room);
    if (since === undefined) {
      await this.request({ event: "roomAdd", room });
      return;
    }
    const { recovered } = (
      await this.request({ event: "roomAdd", room, since })
    ).data as { recovered: boolean };
    this.emit(recovered ? "recovered" : "gap", room);
  }

  /** An `error` event, when someone listens: unlike a bare EventEmitter, an unheard error does not throw. */
  protected reportError(error: Error) {
    if (this.listenerCount("error") > 0) this.emit("error", error);
  }
}
