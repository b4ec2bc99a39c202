import type Primus from "primus";
import type { ChatClientOptions } from "./chatClient";
import {
  PrimusChatClient,
  type PrimusSocketConstructor,
} from "./primusChatClient";

export interface ChatWebsocketClientOptions extends ChatClientOptions {
  /** The actionhero server's URL, as `http://localhost:8080`. */
  url: string;
  /** Must match the server's `config.websocket.server` (actionhero's defaults: websockets, JSON). */
  primus?: { transformer?: string; parser?: string; pathname?: string };
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
export class ChatWebsocketClient extends PrimusChatClient {
  private readonly Socket: PrimusSocketConstructor;

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
    this.Socket = requirePrimusPackage().createSocket(
      socketOptions as Parameters<typeof Primus.createSocket>[0],
    ) as unknown as PrimusSocketConstructor;
  }

  protected primusSocket() {
    return this.Socket;
  }

  protected socketUrl() {
    return this.options.url;
  }
}

/**
 * Only this client needs primus, so the package has it as an optional peer dependency (actionhero,
 * which depends on it, brings it to every application): it is loaded when a client is made.
 */
function requirePrimusPackage(): typeof Primus {
  try {
    return require("primus") as typeof Primus;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "MODULE_NOT_FOUND")
      throw error;
    throw new Error(
      'ChatWebsocketClient needs the "primus" package, which is not installed: npm install primus',
    );
  }
}
