import type { ChatClientOptions } from "./chatClient";
import {
  loadPrimusClientIntoPage,
  pageCookie,
  pageOrigin,
} from "./browserPage";
import {
  PrimusChatClient,
  type PrimusSocketConstructor,
} from "./primusChatClient";

export interface ChatBrowserClientOptions extends ChatClientOptions {
  /** The actionhero server, as `https://chat.example.com`; by default the page's own. */
  url?: string;
  /** Where the server's Primus answers (`config.websocket.server.pathname`); its client is loaded from `<url><primusPath>/primus.js`. */
  primusPath?: string;
  /**
   * The cookie that holds actionhero's fingerprint (`config.web.fingerprintOptions.cookieKey`); it
   * is sent along, so that the websocket connection has the fingerprint of the page's web requests.
   */
  cookieKey?: string;
}

/**
 * A web page's client of actionhero's websocket server: rooms, messages, presence, and a connection
 * that comes back by itself, rejoins its rooms and recovers what they said meanwhile.
 *
 * ```ts
 * const client = new ChatBrowserClient();
 * client.on("say", (message) => show(message));
 * client.on("state", (state) => showState(state));
 * await client.connect();
 * await client.roomAdd("lobby");
 * await client.say("lobby", "hello");
 * ```
 */
export class ChatBrowserClient extends PrimusChatClient {
  private readonly url: string;
  private Socket?: PrimusSocketConstructor;

  constructor(private readonly options: ChatBrowserClientOptions = {}) {
    super(options);
    this.url = (options.url ?? pageOrigin()).replace(/\/$/, "");
  }

  /** The server's Primus client, if the page has none. */
  protected async prepareTransport() {
    this.Socket ??= await loadPrimusClientIntoPage(
      `${this.url}${this.options.primusPath ?? "/primus"}/primus.js`,
    );
  }

  protected primusSocket() {
    if (!this.Socket) throw new Error("connect() first");
    return this.Socket;
  }

  protected socketUrl() {
    const cookieKey = this.options.cookieKey ?? "sessionID";
    const fingerprint = pageCookie(cookieKey);
    return fingerprint === undefined
      ? this.url
      : `${this.url}?${cookieKey}=${encodeURIComponent(fingerprint)}`;
  }
}
