import {
  ChatSocketClient,
  ChatWebsocketClient,
  type ChatClient,
  type ChatClientOptions,
} from "../../src";
import { socketPort, webUrl } from "./actionheroApp";

/** Each Node client, by name, made for the in-process actionhero's socket or websocket server. */
export const nodeClientKinds: [
  string,
  (options?: ChatClientOptions) => ChatClient,
][] = [
  [
    "ChatSocketClient",
    (options) => new ChatSocketClient({ port: socketPort(), ...options }),
  ],
  [
    "ChatWebsocketClient",
    (options) => new ChatWebsocketClient({ url: webUrl(), ...options }),
  ],
];
