import type { MessagePayload, PresencePayload, RoomStatus } from "../src/types";
import { removalNotice, type RemovalNotice } from "../src/roomNotice";
import { TypedEmitter } from "./typedEmitter";

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
  /**
   * Runs after each reconnect, before the client joins its rooms again: for what a new connection
   * needs first, such as logging in again. Its requests go through `client`, the client it is given
   * (any other request is refused until the client is connected). If it fails, the error is reported
   * and the rooms are rejoined anyway.
   */
  beforeRejoin?: (client: ChatClient) => unknown;
}

/** Where the client's connection is. */
export type ConnectionState =
  "connecting" | "connected" | "reconnecting" | "disconnected";

/** A request the server refused: `message` is the server's error; `response` the whole answer. */
export class ChatRequestError extends Error {
  constructor(readonly response: ServerMessage) {
    // actionhero's websocket server sends a verb's error as `ChatError: <message>`: the message alone is the error.
    super(String(response.error).replace(/^\w*Error: /, ""));
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

/** The server's greeting to a new connection. */
export type WelcomeMessage = { context: "api"; welcome: string };

/** Anything the server sends, parsed. */
export type ServerMessage = Record<string, unknown>;

/** Each event of a client, with what its listeners are given. */
export interface ChatClientEvents {
  welcome: [message: WelcomeMessage];
  say: [message: MessagePayload];
  presence: [event: PresencePayload];
  message: [message: ServerMessage];
  state: [state: ConnectionState];
  reconnect: [];
  recovered: [room: string];
  gap: [room: string];
  rejoinFailed: [room: string, error: Error];
  removed: [room: string, reason: RemovalNotice];
  error: [error: Error];
  end: [];
}

interface PendingRequest {
  resolve(response: ServerMessage): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

const defaultReconnect: ReconnectOptions = {
  retries: Infinity,
  minDelay: 100,
  maxDelay: 5000,
};

/**
 * What every chat client shares, in Node and in browsers: requests matched to their answers by
 * messageId, with a timeout; room messages and presence events as typed events; the connection's
 * state; reconnecting with backoff, then joining the client's rooms again. A transport (TCP/TLS,
 * websocket) opens, writes and closes; it hands every message it receives to `receive`, and says
 * when it closed with `transportClosed`.
 *
 * With history on the server, the client remembers the id of the last message of each room and
 * rejoins with it (`roomAdd room since`), so the server sends what it missed before anything newer.
 */
export abstract class ChatClient extends TypedEmitter<ChatClientEvents> {
  /** This connection's id on the server (a new one after each reconnect). */
  id?: string;
  /** The rooms this client joined; it joins them again after a reconnect. */
  readonly rooms = new Set<string>();
  /** The id of the last message received from each room (with history on the server). */
  private readonly lastIds = new Map<string, string>();
  private readonly pending = new Map<number, PendingRequest>();
  /** The messageId of the last request on this connection (the socket server counts each connection's from 1). */
  private lastMessageId = 0;
  private currentState: ConnectionState = "disconnected";
  private transportOpen = false;
  /** How many connections the client opened: the number of the current one. */
  private connectionNumber = 0;
  /**
   * The connection whose requests this object may send before the client is connected: read only
   * through the handle that `admittedOn` makes (for `connect`, `beforeRejoin` and the rejoins).
   */
  private readonly admittedConnection: number | undefined = undefined;
  private closing = false;
  private welcomedOnce = false;
  private awaitingWelcome?: { resolve(): void; reject(error: Error): void };
  private failedTries = 0;
  private reconnectTimer?: ReturnType<typeof setTimeout>;
  private readonly timeout: number;
  private readonly reconnectOptions: ReconnectOptions | false;
  private readonly beforeRejoin?: (client: ChatClient) => unknown;

  constructor(options: ChatClientOptions = {}) {
    super();
    this.timeout = options.timeout ?? 5000;
    this.reconnectOptions =
      options.reconnect === false
        ? false
        : { ...defaultReconnect, ...options.reconnect };
    this.beforeRejoin = options.beforeRejoin;
  }

  /** `connecting`, `connected`, `reconnecting` (rooms are rejoined once connected again) or `disconnected` (for good). */
  get state(): ConnectionState {
    return this.currentState;
  }

  /** Opens the connection; resolves once the server has welcomed it. */
  async connect(): Promise<ConnectionDetails> {
    this.closing = false;
    this.setState("connecting");
    try {
      await this.prepareTransport();
    } catch (error) {
      this.end();
      throw error;
    }
    if (this.closing) throw new Error("closed before it connected");
    const connection = await this.openAndAwaitWelcome();
    try {
      const details = await this.admittedOn(connection).detailsView();
      this.becomeConnected();
      return details;
    } catch (error) {
      this.close();
      throw error;
    }
  }

  /** Closes the connection for good; `end` follows. */
  close() {
    this.closing = true;
    clearTimeout(this.reconnectTimer);
    if (this.transportOpen) this.closeTransport();
    else if (this.currentState !== "disconnected") this.end();
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
    this.forgetRoom(room);
    return (await this.request({ event: "roomLeave", room })).data as boolean;
  }

  /** A room's status: its members by connection id. */
  async roomView(room: string): Promise<RoomStatus> {
    return (await this.request({ event: "roomView", room })).data as RoomStatus;
  }

  /** Sends a message (any JSON value) to a room this client is in. */
  async say(room: string, message: unknown): Promise<void> {
    await this.request({ event: "say", room, message });
  }

  /** This connection's details on the server. */
  async detailsView(): Promise<ConnectionDetails> {
    const details = (await this.request({ event: "detailsView" }))
      .data as ConnectionDetails;
    this.id = details.id;
    return details;
  }

  /**
   * Runs an action with these params; resolves with its response, or rejects with its error. Each
   * action answers in its own shape: `T` names it (by default, any fields).
   */
  action<T = Record<string, any>>(
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

  /** What the transport needs once before its first connection (a browser's Primus client, say). */
  protected async prepareTransport(): Promise<void> {}

  /** Opens a new connection; it calls `transportClosed` when it closes, even if it never opened. */
  protected abstract openTransport(): void;
  protected abstract writeRequest(
    request: ServerMessage,
    messageId: number,
  ): void;
  protected abstract closeTransport(): void;

  /** Each message from the server, parsed. */
  protected receive(message: ServerMessage) {
    if (message.context === "response") return this.settle(message);
    if (message.context === "user") {
      const payload = message as MessagePayload;
      if (typeof payload.id === "string" && this.rooms.has(payload.room))
        this.lastIds.set(payload.room, payload.id);
      this.emit("say", payload);
      const removal = removalNotice(payload);
      if (removal && this.forgetRoom(payload.room))
        this.emit("removed", payload.room, removal);
    } else if (message.context === "presence") {
      this.emit("presence", message as PresencePayload);
    } else if (message.context === "api" && message.welcome !== undefined) {
      this.emit("welcome", message as WelcomeMessage);
      this.welcomed();
    } else {
      this.emit("message", message);
    }
  }

  /** The transport closed, by the server, the network or `close()`. */
  protected transportClosed(error?: Error) {
    this.transportOpen = false;
    this.failPending(
      new Error(
        error ? `connection lost: ${error.message}` : "connection closed",
      ),
    );
    // Only now, with none of this connection's requests pending, may the next one count from 1 again.
    this.lastMessageId = 0;
    this.awaitingWelcome?.reject(
      error ?? new Error("the connection closed before the server's welcome"),
    );
    this.awaitingWelcome = undefined;
    // A client that never got in does not keep trying in the background: connect() has rejected.
    if (this.closing || this.reconnectOptions === false || !this.welcomedOnce)
      return this.end();
    this.setState("reconnecting");
    this.scheduleReconnect(this.reconnectOptions);
  }

  /** An `error` event: something went wrong that no request of the caller's can report. */
  protected reportError(error: Error) {
    this.emit("error", error);
  }

  private request(request: ServerMessage): Promise<ServerMessage> {
    if (!this.mayRequest())
      return Promise.reject(
        new Error(`not connected: the client is ${this.currentState}`),
      );
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

  /**
   * A connected client sends; one that is not sends only what `connect`, `beforeRejoin` and the
   * rejoins ask on the connection they were given, so nothing goes out before the client is back in
   * its rooms.
   */
  private mayRequest() {
    return (
      this.currentState === "connected" ||
      this.isCurrent(this.admittedConnection)
    );
  }

  /** Is this the connection that is open now, with no close asked for? */
  private isCurrent(connection: number | undefined) {
    return (
      connection === this.connectionNumber &&
      this.transportOpen &&
      !this.closing
    );
  }

  /**
   * This client, as one that may send on `connection` although it is not connected yet. A proxy,
   * so that `beforeRejoin` is given the client itself, with all its methods, and any other caller
   * of those methods meanwhile is refused.
   */
  private admittedOn(connection: number): this {
    return new Proxy(this, {
      get: (client, key, receiver) =>
        key === "admittedConnection"
          ? connection
          : Reflect.get(client, key, receiver),
    });
  }

  private settle(response: ServerMessage) {
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

  private setState(state: ConnectionState) {
    if (this.currentState === state) return;
    this.currentState = state;
    this.emit("state", state);
  }

  private end() {
    this.setState("disconnected");
    this.emit("end");
  }

  /** Connected, so a drop from now on is tried again from the shortest wait. */
  private becomeConnected() {
    this.setState("connected");
    this.failedTries = 0;
  }

  /** Opens a new connection; resolves with its number once the server has welcomed it. */
  private openAndAwaitWelcome(): Promise<number> {
    const connection = ++this.connectionNumber;
    return new Promise((resolve, reject) => {
      this.awaitingWelcome = { resolve: () => resolve(connection), reject };
      this.transportOpen = true;
      this.openTransport();
    });
  }

  private welcomed() {
    this.welcomedOnce = true;
    this.awaitingWelcome?.resolve();
    this.awaitingWelcome = undefined;
  }

  private scheduleReconnect({ retries, minDelay, maxDelay }: ReconnectOptions) {
    if (this.failedTries >= retries) {
      this.reportError(
        new Error(`gave up reconnecting after ${this.failedTries} tries`),
      );
      return this.end();
    }
    const delay = Math.min(minDelay * 2 ** this.failedTries, maxDelay);
    this.failedTries++;
    // Between half the delay and all of it, so that the many clients of a server that restarted do not all come back at once.
    this.reconnectTimer = setTimeout(
      () => this.reconnect(),
      delay * (0.5 + Math.random() / 2),
    );
  }

  /**
   * One try: a new connection, `beforeRejoin`, the rooms. After each wait it stops if its connection
   * is no longer the current one (it dropped: `transportClosed` has scheduled the next try, which
   * does it all again; or `close()` was called).
   */
  private async reconnect() {
    if (this.closing) return;
    let connection: number;
    try {
      connection = await this.openAndAwaitWelcome();
    } catch {
      return; // transportClosed has scheduled the next try
    }
    const admitted = this.admittedOn(connection);
    try {
      await admitted.detailsView();
    } catch {
      // Connected but not answering: closing the transport schedules the next try.
      if (this.isCurrent(connection)) this.closeTransport();
      return;
    }
    if (!this.isCurrent(connection)) return;
    try {
      await this.beforeRejoin?.(admitted);
    } catch (error) {
      if (this.isCurrent(connection)) this.reportError(error as Error);
    }
    for (const room of [...this.rooms]) {
      if (!this.isCurrent(connection)) return;
      // Left meanwhile (roomLeave, or removed by the server).
      if (!this.rooms.has(room)) continue;
      await admitted.rejoin(room, connection);
    }
    if (!this.isCurrent(connection)) return;
    this.becomeConnected();
    this.emit("reconnect");
  }

  /**
   * Joins a room again after a reconnect, asking for what it missed if it knows where it stopped.
   * A room the server refuses is left; a failure because `connection` closed is not the room's.
   */
  private async rejoin(room: string, connection: number) {
    const since = this.lastIds.get(room);
    try {
      const { data } = await this.request({
        event: "roomAdd",
        room,
        ...(since === undefined ? {} : { since }),
      });
      if (since !== undefined)
        this.emit(
          (data as { recovered: boolean }).recovered ? "recovered" : "gap",
          room,
        );
    } catch (error) {
      if (!this.isCurrent(connection)) return;
      // The server refused the room (gone, or not allowed any more): the client is no longer in it.
      if (this.forgetRoom(room))
        this.emit("rejoinFailed", room, error as Error);
    }
  }

  /** The client is no longer in the room; true if it was. */
  private forgetRoom(room: string) {
    this.lastIds.delete(room);
    return this.rooms.delete(room);
  }
}
