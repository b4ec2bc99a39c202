import { EventEmitter } from "events";
import * as fs from "fs";
import * as path from "path";
import Primus from "primus";
import { isRoomMessage, waitForMessage } from "./testConnection";

type Response = {
  status?: string;
  error?: string;
  data?: any;
  context: string;
  messageId?: number;
};
export type Said = {
  message: unknown;
  room: string;
  from: string;
  context: string;
  sentAt: number;
};

interface ActionheroWebsocketClient extends EventEmitter {
  id: string;
  welcomeMessage: string;
  connect(callback: (error: Error | null, details: Response) => void): void;
  disconnect(): void;
  roomView(room: string, callback: (response: Response) => void): void;
  say(
    room: string,
    message: unknown,
    callback: (response: Response) => void,
  ): void;
  send(
    args: Record<string, unknown>,
    callback: (response: Response) => void,
  ): void;
  action(
    name: string,
    params: Record<string, unknown>,
    callback: (response: Response) => void,
  ): void;
}

/** actionhero's own browser client, built from its source the way its websocket server renders it. */
function loadActionheroWebsocketClient(url: string) {
  const clientFile = path.join(
    path.dirname(require.resolve("actionhero")),
    "..",
    "client",
    "ActionheroWebsocketClient.js",
  );
  const source = fs
    .readFileSync(clientFile, "utf8")
    .replace(
      "%%DEFAULTS%%",
      `return ${JSON.stringify({ url, apiPath: "/api", cookieKey: "" })}`,
    );
  return new Function(
    "require",
    `${source}\nreturn ActionheroWebsocketClient;`,
  )(require) as new (
    options: object,
    socket: unknown,
  ) => ActionheroWebsocketClient;
}

export const PrimusSocket = Primus.createSocket({
  transformer: "websockets",
  parser: "JSON",
});

/** A real websocket client of an actionhero node, with promises for its requests and a record of what it hears. */
export class WebsocketTestClient {
  /** Every message the server sent, responses included. */
  readonly received: Record<string, any>[] = [];
  private readonly events = new EventEmitter();

  private constructor(readonly client: ActionheroWebsocketClient) {
    // A test may wait for many messages at once.
    this.events.setMaxListeners(0);
    client.on("message", (message: Record<string, any>) => {
      this.received.push(message);
      this.events.emit("message", message);
    });
  }

  /** The room messages heard, in order. */
  get said(): Said[] {
    return this.received.filter(
      (message) => message.context === "user",
    ) as Said[];
  }

  static async connect(url: string) {
    const ClientClass = loadActionheroWebsocketClient(url);
    const client = new ClientClass({}, new PrimusSocket(url));
    const connected = new WebsocketTestClient(client);
    await new Promise<void>((resolve, reject) =>
      client.connect((error) => (error ? reject(error) : resolve())),
    );
    return connected;
  }

  get id() {
    return this.client.id;
  }

  // Sent as plain requests: the client's own roomAdd and roomLeave also send roomAdd again for
  // every room it last knew of, rejoining rooms that were destroyed and made again since.
  roomAdd(room: string) {
    return this.send({ event: "roomAdd", room });
  }

  roomLeave(room: string) {
    return this.send({ event: "roomLeave", room });
  }

  roomView(room: string) {
    return new Promise<Response>((resolve) =>
      this.client.roomView(room, resolve),
    );
  }

  say(room: string, message: unknown) {
    return new Promise<Response>((resolve) =>
      this.client.say(room, message, resolve),
    );
  }

  /** Any request of the websocket protocol, as `{event, ...}`. */
  send(args: Record<string, unknown>) {
    return new Promise<Response>((resolve) => this.client.send(args, resolve));
  }

  action(name: string, params: Record<string, unknown> = {}) {
    return new Promise<Response & Record<string, any>>((resolve) =>
      this.client.action(name, params, resolve),
    );
  }

  waitFor(
    predicate: (message: Record<string, any>) => boolean,
    description?: string,
  ) {
    return waitForMessage(this.received, this.events, predicate, description);
  }

  hears(room: string, text: unknown) {
    return this.waitFor(
      (message) => isRoomMessage(message, room, text),
      `"${JSON.stringify(text)}" in room "${room}" at ${this.id}`,
    );
  }

  heard(room: string, text: unknown) {
    return this.said.some((message) => isRoomMessage(message, room, text));
  }

  disconnect() {
    this.client.disconnect();
  }
}
