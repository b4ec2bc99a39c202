import * as net from "net";
import * as tls from "tls";
import { api, config, Server, type Connection } from "actionhero";
import { chat } from "../adapter/actionheroChat";
import { chatLog } from "../adapter/chatLog";
import { chatSettings } from "../adapter/chatSettings";
import { closeConnection, type ChatTransport } from "../src/chatTransport";
import type { ClosingReason } from "../src/observability/chatObserver";
import type { RoomMessage } from "../src/roomMessage";
import { closingPayload } from "../src/roomNotice";
import { closeIfSlowReader } from "../src/slowReader";
import type { ChatConnection } from "../src/types";
import { LineReader, type LineEvent } from "../socketProtocol/lineReader";
import {
  parseRequest,
  socketVerbs,
  type SocketRequest,
} from "../socketProtocol/parseRequest";
import { SerialQueue } from "../src/serialQueue";
import { oncePerMessage } from "../src/oncePerMessage";
import { heldInTurn, writeInTurn } from "../src/turnBatch";
import { InboundRequests } from "../src/inboundRequests";
import type { SocketServerConfig } from "../socketProtocol/socketConfig";

interface SocketSession {
  socket: net.Socket;
  lines: LineReader;
  /** Requests received so far: the messageId of each response. */
  requests: number;
}

type Message = Record<string, unknown>;

/**
 * How long the client of a connection the server closes has to read what it was sent, the notice of
 * why and the goodbye, before it is cut off whatever it does meanwhile. As `ws` waits for a
 * websocket's close.
 */
const closeTimeout = 30_000;

/**
 * The `socket` server: one request per line over TCP or TLS, one JSON message per line back.
 * Responses carry `context: "response"` and the number of the request they answer; room messages
 * arrive with `context: "user"`. It is the chat transport of its connections.
 */
export class SocketServer extends Server implements ChatTransport {
  declare config: SocketServerConfig;
  declare server: net.Server;
  /** Every open TCP socket, including those still in a TLS handshake, so stopping can close them all. */
  private readonly sockets = new Set<net.Socket>();
  /** A connection's requests take effect in the order sent; actions are started in order and may finish in any. */
  private readonly requestOrder = new SerialQueue();

  constructor() {
    super();
    this.type = "socket";
    this.attributes = {
      canChat: true,
      logConnections: true,
      logExits: true,
      sendWelcomeMessage: true,
      verbs: socketVerbs,
    };
  }

  async initialize() {}

  async start() {
    const onSocket = (socket: net.Socket) => this.handleSocket(socket);
    this.server = this.config.secure
      ? tls.createServer(this.config.serverOptions, onSocket)
      : net.createServer(onSocket);
    this.server.on("error", (error) =>
      this.log(`server error: ${error.message}`, "error"),
    );
    this.server.on("connection", (socket: net.Socket) => {
      this.sockets.add(socket);
      socket.once("close", () => this.sockets.delete(socket));
    });
    this.on("connection", (connection: Connection) =>
      this.listenTo(connection),
    );
    this.on("actionComplete", (data) => {
      if (data.toRender !== false)
        this.sendMessage(data.connection, data.response, data.messageId);
    });
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(this.config.port, this.config.bindIP, () => {
        this.server.off("error", reject);
        resolve();
      });
    });
  }

  async stop() {
    if (!this.server) return;
    const closed = new Promise<void>((resolve) =>
      this.server.close(() => resolve()),
    );
    await Promise.all(
      this.connections().map((connection) => connection.destroy()),
    );
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  async sendMessage(
    connection: Connection,
    message: Message,
    messageId?: string | number,
  ) {
    if (message.error) message.error = errorText(message.error);
    if (!message.context) message.context = "response";
    if (message.context === "response" && message.messageId === undefined) {
      message.messageId = Number(messageId ?? connection.messageId);
    }
    const slow = closeIfSlowReader(
      this,
      connection,
      chatSettings().maxWriteBuffer,
      chat.observer,
      chatLog,
      chat.writeBudget,
    );
    if (!slow) this.writeLine(connection, JSON.stringify(message) + "\r\n");
  }

  /** Writes a room message as the line the node holds: serialized and encoded once per node, not per member. */
  write(connection: ChatConnection, message: RoomMessage) {
    this.writeLine(connection, lineOf(message));
  }

  unsentBytes(connection: ChatConnection) {
    const { socket } = session(connection);
    return socket.destroyed ? 0 : socket.writableLength + heldInTurn(socket);
  }

  close(connection: ChatConnection, reason: ClosingReason) {
    this.writeLine(connection, JSON.stringify(closingPayload(reason)) + "\r\n");
    const { socket } = session(connection);
    // A deadline, not an idle timeout: a client that goes on sending must not keep the socket open.
    const cutOff = setTimeout(() => socket.destroy(), closeTimeout);
    cutOff.unref();
    socket.once("close", () => clearTimeout(cutOff));
    closeConnection(connection);
  }

  /** Writes one line, its end included, in one write with the others of this turn. */
  private writeLine(connection: ChatConnection, line: string | Buffer) {
    const { socket } = session(connection);
    if (socket.destroyed || !socket.writable) return;
    writeInTurn(socket, line);
  }

  async sendFile(connection: Connection) {
    await this.sendMessage(connection, {
      error: "files are not served over the socket server",
    });
  }

  async goodbye(connection: Connection) {
    const { socket } = session(connection);
    if (!socket.writable) return;
    socket.end(JSON.stringify({ status: "Bye", context: "api" }) + "\r\n");
  }

  private handleSocket(socket: net.Socket) {
    // Each message is written whole: Nagle's algorithm would only hold an answer back behind the last
    // one until the client's delayed acknowledgement (tens of ms).
    socket.setNoDelay(true);
    if (this.config.keepAliveInterval > 0)
      socket.setKeepAlive(true, this.config.keepAliveInterval);
    const rawConnection: SocketSession = {
      socket,
      lines: new LineReader(this.config.delimiter, this.config.maxDataLength),
      requests: 0,
    };
    this.buildConnection({
      rawConnection,
      remoteAddress: socket.remoteAddress,
      remotePort: socket.remotePort,
    });
  }

  private listenTo(connection: Connection) {
    const { socket, lines } = session(connection);
    const requests = new InboundRequests<LineEvent>(
      (event) =>
        this.requestOrder.run(connection.id, () =>
          this.handleRequest(connection, this.parseLine(event)),
        ),
      socket,
      () => chatSettings().maxPendingRequests,
    );
    socket.on("data", (chunk: Buffer) => requests.push(...lines.push(chunk)));
    socket.on("error", (error) =>
      this.log(`connection error: ${error.message}`, "debug", {
        to: connection.remoteIP,
      }),
    );
    socket.on("close", () => {
      requests.close();
      if (!connection.destroyed) connection.destroy();
    });
  }

  private parseLine(event: LineEvent): SocketRequest {
    if ("tooLong" in event)
      return {
        kind: "invalid",
        error: `a request is longer than ${this.config.maxDataLength} characters`,
      };
    return parseRequest(
      event.line,
      socketVerbs,
      chatSettings().maxRequestDepth,
    );
  }

  private async handleRequest(connection: Connection, request: SocketRequest) {
    // What a closed connection (a flooder, say) had already sent is dropped, not handled.
    if (request.kind === "empty" || connection.destroyed) return;
    const messageId = ++session(connection).requests;
    switch (request.kind) {
      case "invalid":
        return this.sendMessage(
          connection,
          { error: request.error },
          messageId,
        );
      case "action":
        return this.runAction(
          connection,
          messageId,
          request.name,
          request.params,
        );
      case "verb":
        return this.runVerb(connection, messageId, request.verb, request.words);
    }
  }

  private async runVerb(
    connection: Connection,
    messageId: number,
    verb: string,
    words: unknown[],
  ) {
    try {
      const data = await connection.verbs(verb, words as string[]);
      if (verb === "quit" || verb === "exit") return;
      await this.sendMessage(connection, { status: "OK", data }, messageId);
    } catch (error) {
      await this.sendMessage(connection, { error }, messageId);
    }
  }

  /**
   * Runs an action with the connection's params, or with just the params given (a JSON request). An
   * action the app does not have is answered here, with actionhero's own error: actionhero would log
   * each one as an error, and a client could fill the log with them.
   */
  private async runAction(
    connection: Connection,
    messageId: number,
    name: string,
    params?: Record<string, unknown>,
  ) {
    if (!Object.hasOwn(api.actions.versions, name))
      return this.sendMessage(
        connection,
        { error: await unknownActionError() },
        messageId,
      );
    const connectionParams = connection.params;
    connection.params = { ...(params ?? connectionParams), action: name };
    connection.messageId = String(messageId);
    // The action processor takes its own copy of the params as it is created, synchronously.
    this.processAction(connection);
    connection.params = connectionParams;
  }
}

/** A room message's line in UTF-8, encoded once however many socket members receive it. */
const lineOf = oncePerMessage((message) => Buffer.from(message.json + "\r\n"));

function session(connection: ChatConnection): SocketSession {
  return (connection as ChatConnection & { rawConnection: SocketSession })
    .rawConnection;
}

/** actionhero's error for an action it does not have (`config.errors.unknownAction`). */
async function unknownActionError(): Promise<string> {
  const errors = config.errors as { unknownAction(data: unknown): unknown };
  return String(await errors.unknownAction({}));
}

function errorText(error: unknown) {
  return error instanceof Error ? error.message : String(error);
}
