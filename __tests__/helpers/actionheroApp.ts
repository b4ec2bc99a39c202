import type { AddressInfo } from "net";
import type { ChatConfig, SocketServerConfig } from "../../src";
import { api, config } from "actionhero";

/** The URL of the in-process actionhero's web (and websocket) server. */
export function webUrl() {
  const address = api.servers.servers.web.server.address() as AddressInfo;
  return `http://127.0.0.1:${address.port}`;
}

/** The port the in-process socket server listens on. */
export function socketPort() {
  return (api.servers.servers.socket.server.address() as AddressInfo).port;
}

/** The running socket server's settings (the same object as `config.socket`). */
/** The chat settings of the running app, as the plugin completed them. */
export function chatConfig() {
  return config.chat as ChatConfig;
}

export function socketServerConfig() {
  return api.servers.servers.socket.config as SocketServerConfig;
}
